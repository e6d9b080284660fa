import { describe, expect, it } from 'vitest';
import { describeConfig, loadConfig } from './config.js';
import { RempartError } from './errors.js';

describe('configuration', () => {
  it('takes flags over environment over defaults, and is frozen', () => {
    expect(loadConfig({}, {})).toMatchObject({ port: 4310, host: '127.0.0.1', dataDir: '.rempart', demo: true });
    expect(loadConfig({}, { REMPART_PORT: '5000', REMPART_DATA: '/srv/r' })).toMatchObject({ port: 5000, dataDir: '/srv/r' });
    const config = loadConfig({ port: '6000', data: 'x' }, { REMPART_PORT: '5000', REMPART_DATA: '/srv/r' });
    expect(config).toMatchObject({ port: 6000, dataDir: 'x' });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('lists every bad setting at once and never shows a password', () => {
    let error: unknown;
    try {
      loadConfig({ port: 'eighty' }, { DATABASE_URL: 'mysql://root:secret@db/x', REMPART_LOG_LEVEL: 'loud' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RempartError);
    const details = (error as RempartError).details;
    expect(details.map((d) => d.path).sort()).toEqual(['databaseUrl', 'logLevel', 'port']);
    expect(JSON.stringify(details)).not.toContain('secret');
    const ok = loadConfig({}, { DATABASE_URL: 'postgres://app:secret@db:5432/rempart' });
    expect(JSON.stringify(describeConfig(ok))).not.toContain('secret');
  });
});
