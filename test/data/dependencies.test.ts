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
