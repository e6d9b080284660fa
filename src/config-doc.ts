// The configuration reference, docs/configuration.md, generated from the config schema (src/config.ts) and the
// sources of each setting: `npm run docs:config` writes it, test/docs/config-doc.test.ts fails when it is stale.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { Config, CONFIG_SOURCES, type SettingSource } from './config.js';

export const CONFIG_DOC_PATH = fileURLToPath(new URL('../docs/configuration.md', import.meta.url));

/** What the JSON Schema of one setting says. */
interface SettingSchema {
  type?: string;
  enum?: string[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  pattern?: string;
  description?: string;
}

/** The settings as JSON Schema (what a value may be, as read from the environment). */
export function settingSchemas(): Record<string, SettingSchema> {
  const schema = z.toJSONSchema(Config, { io: 'input', unrepresentable: 'any' }) as { properties: Record<string, SettingSchema> };
  return schema.properties;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function accepted(setting: SettingSchema, source: SettingSource): string {
  if (source.boolean) return '`1`/`true` or `0`/`false`';
  if (setting.enum) return setting.enum.map((value) => `\`${value}\``).join(', ');
  const bounds = [
    setting.minimum !== undefined ? `≥ ${setting.minimum}` : setting.exclusiveMinimum !== undefined ? `> ${setting.exclusiveMinimum}` : '',
    setting.maximum !== undefined && setting.maximum < Number.MAX_SAFE_INTEGER ? `≤ ${setting.maximum.toLocaleString('en')}` : '',
  ].filter(Boolean);
  if (setting.type === 'integer' || setting.type === 'number')
    return `${setting.type === 'integer' ? 'integer' : 'number'}${bounds.length ? ` ${bounds.join(', ')}` : ''}`;
  if (setting.pattern) return `text matching \`${setting.pattern}\``;
  return setting.minLength && setting.minLength > 1 ? `text, ${setting.minLength} characters or more` : 'text';
}

function defaultOf(setting: SettingSchema): string {
  if (setting.default === undefined) return 'unset';
  return `\`${String(setting.default)}\``;
}

/** docs/configuration.md for the schema and sources given (tests pass altered ones to see the check fail). */
export function renderConfigDoc(schemas: Record<string, SettingSchema> = settingSchemas(), sources: Record<string, SettingSource> = CONFIG_SOURCES): string {
  const rows = Object.entries(schemas).map(([key, setting]) => {
    const source = sources[key];
    const variables = source ? source.env.map((name) => `\`${name}\``).join(', ') : '(none)';
    const flag = source?.flag ? `\`${source.flag.option}\`` : '';
    return `| ${variables} | ${flag} | ${cell(accepted(setting, source ?? { env: [] }))} | ${cell(defaultOf(setting))} | ${cell(setting.description ?? '')} |`;
  });
  return [
    '# Configuration reference',
    '',
    '<!-- Generated from the config schema (src/config.ts) by `npm run docs:config`; the tests fail when the two differ. -->',
    '',
    'Every setting of `rempart serve`, `rempart worker` and the commands that open a database. Precedence: the',
    'command-line flag (where there is one), then the environment variable, then the default. An empty variable',
    'counts as unset. The configuration is checked once at start-up: every bad setting is listed at once, and the',
    'process does not start. The database URL’s password, the secret key and the metrics token are never printed',
    'nor logged.',
    '',
    '| variable | flag | accepted | default | meaning |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(CONFIG_DOC_PATH, renderConfigDoc());
  console.log(`wrote ${CONFIG_DOC_PATH}`);
}
