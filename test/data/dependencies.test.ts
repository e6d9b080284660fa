// A production install (`npm install --omit=dev`) carries the server's runtime packages only: every package the
// server, the CLI and the workers import is a dependency, and nothing only the web app (built ahead) uses is one.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return /\.(ts|tsx|js|mjs)$/.test(name) && !/\.test\.tsx?$/.test(name) ? [path] : [];
  });
}

/** The package of each bare import (`@scope/name/sub` → `@scope/name`), type-only imports excluded. */
function importedPackages(files: string[]): Set<string> {
  const packages = new Set<string>();
  const pattern = /^\s*(?:import|export)\s+(?!type\s)(?:[^'"]*?\sfrom\s+)?['"]([^'"./][^'"]*)['"]|import\(\s*['"]([^'"./][^'"]*)['"]\s*\)/gm;
  for (const file of files) {
    for (const match of readFileSync(file, 'utf8').matchAll(pattern)) {
      const specifier = match[1] ?? match[2];
      // `@shared/…` is the web app's alias of src/; tsx loads the sources when no dist/ was built (development only).
      if (specifier.startsWith('node:') || builtinModules.includes(specifier) || specifier.startsWith('@shared/') || specifier.startsWith('tsx/')) continue;
      const parts = specifier.split('/');
      packages.add(specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]);
    }
  }
  return packages;
}

describe('runtime dependencies', () => {
  const server = importedPackages([...sources(join(root, 'src')), ...sources(join(root, 'bin'))]);
  const web = importedPackages(sources(join(root, 'web', 'src')));

  it('lists every package the server imports as a runtime dependency', () => {
    const missing = [...server].filter((name) => !(name in manifest.dependencies));
    expect(missing).toEqual([]);
  });

  it('keeps the web app’s own packages out of the runtime dependencies', () => {
    const webOnly = [...web].filter((name) => !server.has(name));
    expect(webOnly).toContain('react');
    expect(webOnly.filter((name) => name in manifest.dependencies)).toEqual([]);
    expect(webOnly.filter((name) => !(name in manifest.devDependencies))).toEqual([]);
  });

  it('carries no runtime dependency that nothing on the server imports', () => {
    const unused = Object.keys(manifest.dependencies).filter((name) => !server.has(name));
    expect(unused).toEqual([]);
  });
});

/** `1.2.3`, `v12`, `10.x`, `6.*` → [major, minor, patch], missing parts 0. */
function versionOf(text: string): [number, number, number] {
  const [major = 0, minor = 0, patch = 0] = text
    .replace(/^v/, '')
    .split('.')
    .map((part) => (/^\d+$/.test(part) ? Number(part) : 0));
  return [major, minor, patch];
}

function compare(a: [number, number, number], b: [number, number, number]): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

/** Whether an `engines.node` range (the forms npm packages use: `>=`, `^`, bare majors, `||`, `*`) accepts a version. */
function accepts(range: string, version: string): boolean {
  const target = versionOf(version);
  return range.split('||').some((alternative) => {
    const comparators = alternative.trim().replace(/(>=|<=|>|<|\^|~)\s+/g, '$1').split(/\s+/).filter(Boolean);
    return comparators.every((comparator) => {
      if (comparator === '*') return true;
      const [, operator, rest] = /^(>=|<=|>|<|\^|~|=)?(.*)$/.exec(comparator)!;
      const bound = versionOf(rest);
      const parts = rest.replace(/^v/, '').split('.').filter((part) => /^\d+$/.test(part)).length;
      if (operator === '>=') return compare(target, bound) >= 0;
      if (operator === '>') return compare(target, bound) > 0;
      if (operator === '<=') return compare(target, bound) <= 0;
      if (operator === '<') return compare(target, bound) < 0;
      if (operator === '^') return target[0] === bound[0] && compare(target, bound) >= 0;
      if (operator === '~') return target[0] === bound[0] && target[1] === bound[1] && compare(target, bound) >= 0;
      // A bare `20` or `10.x` is that whole major (or minor).
      return target[0] === bound[0] && (parts < 2 || target[1] === bound[1]) && (parts < 3 || target[2] === bound[2]);
    });
  });
}

describe('supported Node.js versions', () => {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; engines?: { node?: string } }>;
  };
  const promised = (manifest as { engines?: { node?: string } }).engines?.node ?? '';
  const minimum = /^>=\s*(\d+(?:\.\d+){0,2})$/.exec(promised)?.[1];

  it('reads the range it checks against', () => {
    expect(accepts('18 || 20 || >=22', '20.11.0')).toBe(true);
    expect(accepts('>=22', '20.11.0')).toBe(false);
    expect(accepts('^20.19.0 || >=22.12.0', '20.11.0')).toBe(false);
    expect(accepts('>= 10', '20.11.0')).toBe(true);
    expect(minimum).toMatch(/^20\./);
  });

  // `npm install` warns (EBADENGINE) about any package, runtime or development, that refuses the running Node.js:
  // the oldest version the manifest (and the README) promises must install without one.
  it('installs no package that refuses the oldest Node.js the manifest promises', () => {
    const refusing = Object.entries(lock.packages)
      .filter(([path, entry]) => path !== '' && entry.engines?.node && !accepts(entry.engines.node, minimum!))
      .map(([path, entry]) => `${path} (${entry.engines!.node})`);
    expect(refusing).toEqual([]);
  });
});
