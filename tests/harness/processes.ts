/** Starts the hub as deployed (`gateway/main.ts` in its own process) and waits for its GraphQL URL. */
import { spawn, type ChildProcess } from 'node:child_process';

const ROOT = new URL('../..', import.meta.url).pathname;

/**
 * `env` is laid over this process's environment; an undefined value unsets a variable. `args` are
 * node's: the sources through tsx unless told otherwise (the compiled build: tests/build/).
 */
export function startHubProcess(env: Record<string, string | undefined>, args = ['--import', 'tsx', 'gateway/main.ts']): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`process did not start:\n${out}`)), 120_000);
    const read = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /GraphQL\s+(http:\/\/\S+\/graphql)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1] as string });
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`process exited (${code}):\n${out}`)));
  });
}
