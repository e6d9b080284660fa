// Guards the embedded data folder: PGlite is single-process, so a second Rempart must stop before it writes.
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { RempartError } from '../errors.js';

export interface FolderLock {
  path: string;
  release(): void;
}

/** The kernel's fields of a process (Linux): its state letter and its start time in clock ticks since boot. */
function procStat(pid: number): { state: string; startTime: string } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: the fields after it start at the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0], startTime: fields[19] };
  } catch {
    return undefined;
  }
}

/** What the lock file says of its holder; `startTime` tells it from a later process that was given the same pid. */
interface Holder {
  pid: number;
  startTime?: string;
}

function readHolder(path: string): Holder | undefined {
  const text = readFileSync(path, 'utf8').trim();
  // Before start times were recorded, the file held the pid alone.
  const [pid, startTime] = text.split(/\s+/);
  const parsed = Number.parseInt(pid, 10);
  return Number.isInteger(parsed) && parsed > 0 ? { pid: parsed, ...(startTime ? { startTime } : {}) } : undefined;
}

/**
 * Whether the holder still runs. A killed process stays a zombie until its parent reaps it, and its pid may be
 * given to another program later: neither holds the folder. Where /proc is missing, a signal 0 is all we can ask.
 */
function holds(holder: Holder): boolean {
  if (existsSync('/proc/self/stat')) {
    const stat = procStat(holder.pid);
    if (!stat || stat.state === 'Z' || stat.state === 'X') return false;
    return holder.startTime === undefined || holder.startTime === stat.startTime;
  }
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `rempart.lock` in the folder, holding our pid and start time. A lock left by a process that no longer
 * runs (killed, crashed, a zombie not yet reaped, a pid since reused) is taken over at once, so a SIGKILL never
 * needs a manual clean-up nor a wait.
 */
export function acquireFolderLock(folder: string): FolderLock {
  const path = join(folder, 'rempart.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      const own = procStat(process.pid);
      writeSync(fd, own ? `${process.pid} ${own.startTime}` : String(process.pid));
      closeSync(fd);
      const release = () => {
        try {
          if (readHolder(path)?.pid === process.pid) rmSync(path);
        } catch {
          // Already gone: nothing to release.
        }
      };
      process.once('exit', release);
      return { path, release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = readHolder(path);
      if (holder && (holder.pid === process.pid || holds(holder)))
        throw new RempartError(
          'data_folder_locked',
          `The data folder ${folder} is in use by another Rempart process (pid ${holder.pid}). Stop it, or choose another folder with --data.`,
        );
      rmSync(path, { force: true });
    }
  }
  throw new RempartError('data_folder_locked', `Could not lock the data folder ${folder}; remove ${path} if no Rempart is running.`);
}
