/** Mutations: root fields of two subgraphs run in document order, and their results federate. */
import { NP, type Feature } from './feature.js';

interface Note { id: string; text: string }

function mutationFeature(): Feature {
  const notes: Note[] = [];
  const log: string[] = [];
  return {
    name: 'mutations',
    subgraphs: [
      {
        name: 'notes',
        sdl: `
          type Note @key(fields: "id") { id: ID! ${NP} text: String! ${NP} }
          type Query { notes: [Note!]! ${NP} }
          type Mutation { addNote(text: String!): Note! ${NP} }
        `,
        resolvers: {
          Query: { notes: () => notes },
          Mutation: {
            addNote: (_: unknown, { text }: { text: string }) => {
              const note = { id: `n${notes.length + 1}`, text };
              notes.push(note);
              log.push(`add ${note.id}`);
              return note;
            },
          },
          Note: { __resolveReference: (k: { id: string }) => notes.find((n) => n.id === k.id) },
        },
      },
      {
        name: 'journal',
        sdl: `
          type Note @key(fields: "id") { id: ID! ${NP} entries: Int! ${NP} }
          type Mutation { stamp: Int! ${NP} }
        `,
        resolvers: {
          Mutation: { stamp: () => log.push('stamp') },
          Note: { __resolveReference: (k: { id: string }) => ({ id: k.id, entries: log.length }) },
        },
      },
    ],
    reset() {
      notes.length = 0;
      log.length = 0;
    },
    queries: [
      { name: 'a mutation whose result federates', query: 'mutation { addNote(text: "synthetic") { id text entries } }' },
      { name: 'mutations of two subgraphs in document order', query: 'mutation { first: stamp second: addNote(text: "b") { text } third: stamp }' },
    ],
  };
}

export const mutations = mutationFeature();
