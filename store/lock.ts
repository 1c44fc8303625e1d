/**
 * One user at a time for an embedded store. PGlite is PostgreSQL inside one process: a second
 * process opening the same folder does not see the first one's work and writes over its files
 * (tried: the second process found none of the first one's tables, and the folder would not open
 * again afterwards). So opening a folder takes a lock file beside it (`<folder>.lock`, created
 * exclusively, holding the owner's pid), and a second opener is refused with a clear error while
 * the owner lives. A lock left by a process that died (killed, crashed) is taken over.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export class StoreInUseError extends Error {
  readonly code = 'STORE_IN_USE';
  constructor(
    readonly dataDir: string,
    readonly pid: number,
    readonly since: string,
  ) {
    super(`the embedded store ${dataDir} is in use by process ${pid} (since ${since}); it has one user at a time`);
  }
}

interface Holder {
  pid: number;
  since: string;
  token: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The lock file's holder; null when the file is gone; 'unreadable' when it holds no valid holder. */
function holderOf(path: string): Holder | null | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return null;
  }
  try {
    const holder = JSON.parse(text) as Partial<Holder>;
    if (typeof holder.pid === 'number' && typeof holder.since === 'string' && typeof holder.token === 'string') return holder as Holder;
  } catch {
    // falls through
  }
  return 'unreadable';
}

/** Takes the lock of `dataDir` or throws StoreInUseError; returns the function that gives it back. */
export function lockDataDir(dataDir: string): () => void {
  const folder = resolve(dataDir);
  const path = `${folder}.lock`;
  mkdirSync(dirname(path), { recursive: true });
  const me: Holder = { pid: process.pid, since: new Date().toISOString(), token: randomUUID() };
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      try {
        writeSync(fd, JSON.stringify(me));
      } finally {
        closeSync(fd);
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 2) throw error;
      const holder = holderOf(path);
      if (holder === null) continue; // given back meanwhile
      if (holder !== 'unreadable' && alive(holder.pid)) throw new StoreInUseError(folder, holder.pid, holder.since);
      // The holder died without giving the lock back (or left a file that is not a lock): take it over.
      unlinkSync(path);
    }
  }
  const release = () => {
    process.removeListener('exit', release);
    const holder = holderOf(path);
    if (holder !== null && holder !== 'unreadable' && holder.token === me.token) unlinkSync(path);
  };
  // A process that exits without closing its store gives the lock back too.
  process.on('exit', release);
  return release;
}
