// The container image's runtime stage, rehearsed without a container engine (none runs on this kind of machine): the
// Dockerfile is read, and what its runtime stage does is done here, in a folder of its own: the production
// dependencies installed from the lock file, `bin/`, `data/` and the built `dist/` copied, the data folder given to
// an unprivileged user, its environment set, then its CMD run as that user. The server must answer its own
// HEALTHCHECK, serve the web app, carry no development package, and stop cleanly on SIGTERM (`docker stop`).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createTestDatabase, usingPostgres } from '../support/database.js';

const ROOT = join(import.meta.dirname, '..', '..');
/**
 * Who runs the server, as the image's `node` user: nobody:nogroup (owns nothing of the app) when the tests run as root,
 * as in CI; otherwise the developer running them, already unprivileged (only root may run a process as another user).
 */
const UNPRIVILEGED = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : { uid: process.getuid!(), gid: process.getgid!() };

interface RuntimeStage {
  env: Record<string, string>;
  copies: string[][];
  runs: string[];
  user: string;
  healthcheck: string[];
  cmd: string[];
}

/** The runtime stage of the Dockerfile: its instructions, continuation lines joined, comments dropped. */
function runtimeStage(dockerfile: string): RuntimeStage {
  const lines = dockerfile
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const from = lines.findIndex((line) => /^FROM \S+ AS runtime$/i.test(line));
  if (from < 0) throw new Error('the Dockerfile has no `FROM … AS runtime` stage');
  const stage: RuntimeStage = { env: {}, copies: [], runs: [], user: 'root', healthcheck: [], cmd: [] };
  for (const line of lines.slice(from + 1)) {
    const [instruction, ...rest] = line.split(' ');
    const argument = rest.join(' ');
    if (instruction === 'ENV') for (const [, key, value] of argument.matchAll(/(\w+)=(\S+)/g)) stage.env[key] = value;
    else if (instruction === 'COPY') stage.copies.push(rest);
    else if (instruction === 'RUN') stage.runs.push(argument);
    else if (instruction === 'USER') stage.user = argument;
    else if (instruction === 'HEALTHCHECK') stage.healthcheck = JSON.parse(argument.slice(argument.indexOf('CMD ') + 4)) as string[];
    else if (instruction === 'CMD') stage.cmd = JSON.parse(argument) as string[];
  }
  return stage;
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));
}

describe('the container image, rehearsed', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('installs production packages only, runs as an unprivileged user, answers its health check and stops on SIGTERM', { timeout: 240_000 }, async () => {
    expect(existsSync(join(ROOT, 'dist', 'web', 'index.html')), 'dist/web is missing: `npm install` (or `npm run build`) builds it').toBe(true);
    const stage = runtimeStage(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
    expect(stage.user).toBe('node');
    expect(stage.cmd.slice(0, 3)).toEqual(['node', 'bin/rempart.js', 'serve']);
    expect(stage.healthcheck[0]).toBe('node');

    const image = mkdtempSync(join(tmpdir(), 'rempart-image-'));
    cleanups.push(() => rmSync(image, { recursive: true, force: true }));
    chmodSync(image, 0o755); // the unprivileged user must read the app, as in the image
    const app = join(image, 'app');
    mkdirSync(app);

    // COPY instructions, in order: from the build context, or the build stage's /app (here: this checkout, built).
    for (const copy of stage.copies) {
      const parts = copy.filter((part) => !part.startsWith('--'));
      const fromBuild = copy.some((part) => part === '--from=build');
      const target = parts.at(-1)!;
      for (const source of parts.slice(0, -1)) {
        const from = fromBuild ? join(ROOT, source.replace(/^\/app\/?/, '')) : join(ROOT, source);
        const to = target.endsWith('/') ? join(app, target, source.split('/').at(-1)!) : join(app, target);
        cpSync(from, to, { recursive: true });
      }
      // The production install runs right after the manifest and lock file arrive, as in the image.
      if (parts.includes('package-lock.json')) {
        const install = stage.runs.find((run) => run.startsWith('npm ci'));
        expect(install, 'the runtime stage installs with `npm ci`').toBeDefined();
        const args = install!.split('&&')[0].trim().split(/\s+/).slice(1);
        expect(args).toContain('--omit=dev');
        // --prefer-offline: this machine's npm cache holds every package already; the image's install downloads them.
        execFileSync('npm', [...args, '--prefer-offline'], { cwd: app, stdio: 'pipe' });
      }
    }
    for (const part of ['bin/rempart.js', 'data', 'dist/src/cli/main.js', 'dist/web/index.html', 'dist/widget', 'node_modules/fastify'])
      expect(existsSync(join(app, part)), `${part} in the image`).toBe(true);
    // No development package: no build tools, test runners or the web app's libraries (built into dist/web).
    const installed = readdirSync(join(app, 'node_modules'));
    for (const dev of ['typescript', 'vite', 'vitest', 'eslint', 'tsx', 'react', '@mantine'])
      expect(installed, `${dev} is a development package`).not.toContain(dev);

    // The volume: owned by the unprivileged user, as `chown node:node /var/lib/rempart` does.
    expect(stage.runs.some((run) => run.includes('chown node:node /var/lib/rempart'))).toBe(true);
    const volume = join(image, 'var-lib-rempart');
    mkdirSync(volume);
    chownSync(volume, UNPRIVILEGED.uid, UNPRIVILEGED.gid);

    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      ...stage.env,
      REMPART_DATA: volume,
      REMPART_HOST: '127.0.0.1', // the image listens on 0.0.0.0; a test keeps to loopback
      REMPART_PORT: '0', // any free port: the server says which
      REMPART_SECRET_KEY: Buffer.alloc(32, 3).toString('base64'),
      HOME: volume,
    };
    if (usingPostgres) {
      const database = await createTestDatabase();
      cleanups.push(() => database.close());
      env.DATABASE_URL = database.url;
    }
    const [command, ...args] = stage.cmd;
    const server = spawn(command === 'node' ? process.execPath : command, args, {
      cwd: app,
      env,
      uid: UNPRIVILEGED.uid,
      gid: UNPRIVILEGED.gid,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    cleanups.push(() => {
      if (server.exitCode === null) server.kill('SIGKILL');
    });
    let output = '';
    server.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const started = Date.now();
    let url = '';
    for (;;) {
      if (server.exitCode !== null) throw new Error(`the server exited with ${server.exitCode}:\n${output}`);
      if (Date.now() - started > 90_000) throw new Error(`the server did not answer within 90 s:\n${output}`);
      url ||= /running at (http:\/\/\S+)/.exec(output)?.[1] ?? '';
      const ok =
        url !== '' &&
        (await fetch(`${url}/api/health`).then(
          (response) => response.ok,
          () => false,
        ));
      if (ok) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    // Its process is the unprivileged user's, and its logs are JSON lines (REMPART_LOG_FORMAT=json).
    expect(readFileSync(`/proc/${server.pid}/status`, 'utf8')).toMatch(new RegExp(`^Uid:\\s+${UNPRIVILEGED.uid}\\s`, 'm'));
    expect(statSync(volume).uid).toBe(UNPRIVILEGED.uid);

    // The HEALTHCHECK, run as Docker would inside the container: exit code 0.
    const [checkCommand, ...checkArgs] = stage.healthcheck;
    execFileSync(checkCommand === 'node' ? process.execPath : checkCommand, checkArgs, {
      cwd: app,
      // The port the server took, as REMPART_PORT says it inside the container.
      env: { ...env, REMPART_PORT: new URL(url).port },
      uid: UNPRIVILEGED.uid,
      gid: UNPRIVILEGED.gid,
      stdio: 'pipe',
    });

    // The web app and the API, from the copied build.
    const page = await fetch(`${url}/sign-in`, { headers: { 'accept-encoding': 'br' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('<div id="root">');
    const ready = await fetch(`${url}/api/ready`);
    expect(ready.status).toBe(200);

    // `docker stop`: SIGTERM to the CMD's process; it finishes and exits 0.
    server.kill('SIGTERM');
    const code = await Promise.race([exited(server), new Promise<string>((resolve) => setTimeout(() => resolve('still running after 30 s'), 30_000))]);
    expect(code, output).toBe(0);
    const jsonLines = output.split('\n').filter((line) => line.startsWith('{'));
    expect(jsonLines.length).toBeGreaterThan(0);
    for (const line of jsonLines) expect(() => JSON.parse(line) as unknown).not.toThrow();
  });

  it('names only settings the server knows, in the image and in compose.yaml', () => {
    // The configuration reference is generated from the config schema (a test keeps it current): a misspelt variable
    // in a deployment file would be ignored in silence, the server falling back to its default.
    const known = new Set(
      [...readFileSync(join(ROOT, 'docs', 'configuration.md'), 'utf8').matchAll(/`((?:REMPART_|DATABASE_URL)[A-Z_]*)`/g)].map((match) => match[1]),
    );
    const stage = runtimeStage(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'));
    const compose = parse(readFileSync(join(ROOT, 'compose.yaml'), 'utf8')) as { services: Record<string, { environment?: Record<string, string> }> };
    const named = [...Object.keys(stage.env).filter((name) => name !== 'NODE_ENV'), ...Object.keys(compose.services.rempart.environment ?? {})];
    expect(named.length).toBeGreaterThan(10);
    expect(named.filter((name) => !known.has(name))).toEqual([]);
    // The compose file's server waits for a healthy PostgreSQL and reaches it by its service name.
    expect(compose.services.rempart.environment?.DATABASE_URL).toMatch(/@postgres:5432\//);
  });
});
