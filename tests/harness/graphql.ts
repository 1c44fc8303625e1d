/** Sends GraphQL over real HTTP, the way a national system would. */
export interface GraphQLResponse<D = Record<string, unknown>> {
  status: number;
  headers: Headers;
  data?: D | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

// Tests read deep into results; `any` keeps them legible, and assertions check the shapes.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function postGraphQL<D = Record<string, any>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<D>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: D | null; errors?: GraphQLResponse['errors'] };
  return { status: response.status, headers: response.headers, ...body };
}
