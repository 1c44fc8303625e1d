/**
 * The Python demo subgraph (demos/python-subgraph/server.py, Debian's python3-graphene) in its own
 * process on an ephemeral port. Debian's /usr/bin/python3 is called by path: another python3 may
 * come first on PATH without graphene.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SERVER = fileURLToPath(new URL('../../demos/python-subgraph/server.py', import.meta.url));
export const PYTHON = '/usr/bin/python3';

export interface RunningPython {
  url: string;
  close(): Promise<void>;
}

export function startPythonSubgraph(options: { data?: string } = {}): Promise<RunningPython> {
  const child = spawn(PYTHON, [SERVER, '--port', '0', ...(options.data ? ['--data', options.data] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`the Python subgraph did not start:\n${out}`)), 30_000);
    const read = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+\/graphql)/.exec(out);
      if (!match) return;
      clearTimeout(timer);
      resolve({
        url: match[1]!,
        async close() {
          if (child.exitCode === null) child.kill('SIGTERM');
          await exited;
        },
      });
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`the Python subgraph exited:\n${out}`));
    });
  });
}
