// The configuration reference is generated from the config schema: it is up to date, documents every setting once,
// and every variable it names is really read (setting it changes the configuration).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Config, CONFIG_SOURCES, loadConfig } from '../../src/config.js';
import { CONFIG_DOC_PATH, renderConfigDoc, settingSchemas } from '../../src/config-doc.js';

const doc = readFileSync(CONFIG_DOC_PATH, 'utf8');

/** A value for a setting that differs from its default and is valid. */
function sample(key: string): string {
  const setting = settingSchemas()[key];
  if (CONFIG_SOURCES[key as keyof typeof CONFIG_SOURCES].boolean) return setting.default === true ? '0' : '1';
  if (setting.enum) return setting.enum.find((value) => value !== setting.default)!;
  if (setting.type === 'integer' || setting.type === 'number') return String(Number(setting.default ?? setting.minimum ?? 1) + 1);
  if (setting.pattern)
    return key === 'databaseUrl' ? 'postgres://db.example/rempart' : key === 'smtpUrl' ? 'smtp://mail.example:2525' : 'https://sms.example/messages';
  if (key === 'trustProxy') return '10.0.0.1';
  return 'a-value-of-the-tests-0123456789';
}

describe('configuration reference', () => {
  it('keeps docs/configuration.md as generated from the schema', () => {
    expect(doc, 'docs/configuration.md is out of date: run npm run docs:config').toBe(renderConfigDoc());
  });

  it('documents every setting of the schema, with its source, once', () => {
    const keys = Object.keys(Config.shape);
    expect(Object.keys(CONFIG_SOURCES).sort()).toEqual([...keys].sort());
    const variables = Object.values(CONFIG_SOURCES).flatMap((source) => source.env);
    expect(variables.filter((name, index) => variables.indexOf(name) !== index), 'a variable named twice').toEqual([]);
    for (const name of variables) expect(doc.match(new RegExp(`^\\| [^|]*\`${name}\``, 'gm'))?.length ?? 0, name).toBe(1);
    for (const key of keys) expect(settingSchemas()[key].description, `${key} has no description`).toBeTruthy();
  });

  it('names only variables that are read: each one changes its setting', () => {
    const defaults = loadConfig({}, {}) as Record<string, unknown>;
    for (const [key, source] of Object.entries(CONFIG_SOURCES))
      for (const name of source.env) {
        const value = sample(key);
        expect((loadConfig({}, { [name]: value }) as Record<string, unknown>)[key], `${name}=${value}`).not.toEqual(defaults[key]);
      }
  });

  it('finds a stale reference (the check can fail)', () => {
    const { shutdownGraceSeconds: _dropped, ...fewer } = settingSchemas();
    expect(renderConfigDoc(fewer)).not.toBe(doc);
    const described = settingSchemas();
    expect(renderConfigDoc({ ...described, port: { ...described.port, default: 8080 } })).not.toBe(doc);
  });
});
