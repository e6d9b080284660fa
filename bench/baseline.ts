// The engine and worker pool of 4b66542 (before issue 18), for the benchmarks' "before" figures only: checked out
// from git into .bench-baseline/ (ignored) the first time a benchmark needs it, rather than kept as a copy of old
// code in the tree. Packages resolve from the repository's node_modules, one folder up.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const BASELINE_COMMIT = '4b66542';

const root = fileURLToPath(new URL('..', import.meta.url));
const folder = `${root}.bench-baseline`;
if (!existsSync(`${folder}/src/engine/simulate.ts`))
  execFileSync('git', ['worktree', 'add', '--force', '--detach', folder, BASELINE_COMMIT], { cwd: root, stdio: 'ignore' });

/** A module of the old tree, typed as today's (the functions the benches call kept their signatures). */
const load = <T>(path: string): Promise<T> => import(new URL(`../.bench-baseline/${path}`, import.meta.url).href) as Promise<T>;

export const baselineSimulate = await load<typeof import('../src/engine/simulate.js')>('src/engine/simulate.ts');
export const baselineMonteCarlo = await load<typeof import('../src/engine/montecarlo.js')>('src/engine/montecarlo.ts');
export const baselineRecommend = await load<typeof import('../src/engine/recommend.js')>('src/engine/recommend.ts');
export const baselineWorkers = await load<typeof import('../src/operations/montecarlo-workers.js')>('src/operations/montecarlo-workers.ts');
