import { describe, expect, it } from 'vitest';
import { join, resolve } from 'node:path';
import { auditCheckpointFolder, describeConfig, loadConfig } from './config.js';
import { RempartError } from './errors.js';

describe('configuration', () => {
  it('takes flags over environment over defaults, and is frozen', () => {
    expect(loadConfig({}, {})).toMatchObject({ port: 4310, host: '127.0.0.1', dataDir: '.rempart', demo: true, runJobs: true });
    expect(loadConfig({}, { REMPART_JOBS: '0' }).runJobs).toBe(false);
    expect(loadConfig({ jobs: false }, { REMPART_JOBS: '1' }).runJobs).toBe(false);
    expect(loadConfig({}, { REMPART_PORT: '5000', REMPART_DATA: '/srv/r' })).toMatchObject({ port: 5000, dataDir: '/srv/r' });
    const config = loadConfig({ port: '6000', data: 'x' }, { REMPART_PORT: '5000', REMPART_DATA: '/srv/r' });
    expect(config).toMatchObject({ port: 6000, dataDir: 'x' });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('puts the audit checkpoints beside the embedded data, in the configured folder, or nowhere with PostgreSQL alone', () => {
    expect(auditCheckpointFolder(loadConfig({ data: '/srv/rempart' }, {}))).toBe(join(resolve('/srv/rempart'), 'audit-checkpoints'));
    expect(auditCheckpointFolder(loadConfig({}, { REMPART_AUDIT_CHECKPOINTS: '/var/lib/rempart/checkpoints', DATABASE_URL: 'postgres://db/r' }))).toBe(
      resolve('/var/lib/rempart/checkpoints'),
    );
    expect(auditCheckpointFolder(loadConfig({}, { DATABASE_URL: 'postgres://db/r' }))).toBeNull();
    expect(auditCheckpointFolder(loadConfig({ data: 'memory://' }, {}))).toBeNull();
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

  it('reads the access settings and never shows the secret key', () => {
    const key = 'c2VjcmV0LWtleS1vZi10aGlydHktdHdvLWJ5dGVzISE=';
    const config = loadConfig(
      {},
      { REMPART_SECRET_KEY: key, REMPART_TRUST_PROXY: '10.0.0.1, 10.0.0.2', REMPART_RATE_LIMIT: '0', REMPART_SESSION_IDLE_MINUTES: '30' },
    );
    expect(config).toMatchObject({
      secretKey: key,
      trustProxy: ['10.0.0.1', '10.0.0.2'],
      rateLimit: 0,
      signInRateLimit: 10,
      sessionIdleMinutes: 30,
      sessionMaxHours: 168,
    });
    expect(JSON.stringify(describeConfig(config))).not.toContain(key);
    expect(loadConfig({}, { REMPART_TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({}, {}).trustProxy).toBe(false);
    const error = (() => {
      try {
        loadConfig({}, { REMPART_SECRET_KEY: '', REMPART_SESSION_IDLE_MINUTES: '0' });
      } catch (e) {
        return e as RempartError;
      }
    })();
    expect(error?.details.map((d) => d.path)).toEqual(['sessionIdleMinutes']);
  });

  it('reads the job limits, with defaults, and refuses nonsense', () => {
    expect(loadConfig({}, {})).toMatchObject({ jobsPerOrganisation: 5, maxRuns: 100_000, jobTurnSeconds: 5, jobStaleSeconds: 60 });
    const config = loadConfig({}, { REMPART_JOBS_PER_ORG: '2', REMPART_MAX_RUNS: '5000', REMPART_JOB_TURN_SECONDS: '0.5', REMPART_JOB_STALE_SECONDS: '3' });
    expect(config).toMatchObject({ jobsPerOrganisation: 2, maxRuns: 5000, jobTurnSeconds: 0.5, jobStaleSeconds: 3 });
    const error = (() => {
      try {
        loadConfig({}, { REMPART_JOBS_PER_ORG: '0', REMPART_MAX_RUNS: 'many', REMPART_JOB_TURN_SECONDS: '0', REMPART_JOB_STALE_SECONDS: '-1' });
      } catch (e) {
        return e as RempartError;
      }
    })();
    expect(error?.details.map((d) => d.path).sort()).toEqual(['jobStaleSeconds', 'jobTurnSeconds', 'jobsPerOrganisation', 'maxRuns']);
  });
});
