// Guards the embedded data folder: PGlite is single-process, so a second Rempart must stop before it writes.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { RempartError } from '../errors.js';

export interface FolderLock {
  path: string;
  release(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `rempart.lock` in the folder, holding our pid. A lock left by a process that no longer
 * runs (killed, crashed) is taken over, so a SIGKILL never needs a manual clean-up.
 */
export function acquireFolderLock(folder: string): FolderLock {
  const path = join(folder, 'rempart.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      const release = () => {
        try {
          if (readFileSync(path, 'utf8').trim() === String(process.pid)) rmSync(path);
        } catch {
          // Already gone: nothing to release.
        }
      };
      process.once('exit', release);
      return { path, release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
      if (Number.isInteger(holder) && (holder === process.pid || isAlive(holder)))
        throw new RempartError(
          'data_folder_locked',
          `The data folder ${folder} is in use by another Rempart process (pid ${holder}). Stop it, or choose another folder with --data.`,
        );
      rmSync(path, { force: true });
    }
  }
  throw new RempartError('data_folder_locked', `Could not lock the data folder ${folder}; remove ${path} if no Rempart is running.`);
}
