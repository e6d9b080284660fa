// `rempart orientation --answers FILE --json` as an integrator runs it: a real process, real files.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEntry } from '../support/cli-entry.js';

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'rempart-orientation-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

function rempart(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...cliEntry(), ...args], {
      env: { ...process.env, DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const adult = {
  temperature_cat: '35.5-37.7',
  cough: false,
  agueusia_anosmia: false,
  sore_throat_aches: false,
  diarrhea: false,
  tiredness: false,
  feeding_day: false,
  breathlessness: false,
  age: 40,
  weight_kg: 70,
  height_cm: 175,
  heart_disease: 0,
  diabetes: false,
  cancer: false,
  breathing_disease: false,
  kidney_disease: false,
  liver_disease: false,
  pregnant: 888,
  sickle_cell: false,
  immunosuppressant_disease: 0,
};

async function answers(name: string, content: unknown): Promise<string> {
  const file = join(folder, name);
  await writeFile(file, JSON.stringify(content));
  return file;
}

// Each test starts the CLI (TypeScript through tsx): seconds on a quiet machine, far more on a loaded one.
describe('rempart orientation', { timeout: 120_000 }, () => {
  it('prints {fin, orientation} for one answers object', async () => {
    const result = await rempart('orientation', '--answers', await answers('one.json', { ...adult, breathlessness: true }), '--json');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ fin: 'FIN5', orientation: 'SAMU' });
  });

  it('prints an array for an array, with age_range and imc, and the legacy immunosuppressant_drug counted', async () => {
    const file = await answers('many.json', [
      { ...adult, age: undefined, age_range: 'inf_15' },
      { ...adult, temperature_cat: 'sup_39', cough: true },
      { ...adult, weight_kg: undefined, height_cm: undefined, imc: 31, sore_throat_aches: true },
      { ...adult, sore_throat_aches: true, immunosuppressant_drug: 1 },
      { ...adult, temperature_cat: '37.8-38.9' },
    ]);
    const result = await rempart('orientation', '--answers', file, '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([
      { fin: 'FIN1', orientation: 'less_15' },
      { fin: 'FIN6', orientation: 'consultation_surveillance_3' },
      { fin: 'FIN7', orientation: 'consultation_surveillance_4' },
      { fin: 'FIN7', orientation: 'consultation_surveillance_4' },
      { fin: 'FIN8', orientation: 'surveillance' },
    ]);
  });

  it('prints every problem with its path and exits 1, computing nothing', async () => {
    const file = await answers('bad.json', [adult, { ...adult, temperature_cat: '38', age: -1 }, { ...adult, weight_kg: undefined }]);
    const result = await rempart('orientation', '--answers', file, '--json');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/\[1\]\.temperature_cat/);
    expect(result.stderr).toMatch(/\[1\]\.age/);
    expect(result.stderr).toMatch(/\[2\]\.weight_kg/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('prints the official message in French, or in English', async () => {
    const file = await answers('fr.json', { ...adult, feeding_day: true });
    expect((await rempart('orientation', '--answers', file)).stdout).toBe('FIN5 (SAMU): Appelez le 15.\n');
    expect((await rempart('orientation', '--answers', file, '--lang', 'en')).stdout).toBe('FIN5 (SAMU): Call 15.\n');
  });
});
