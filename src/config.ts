// Configuration: flag → environment → default, validated once with every problem listed, then frozen.
import { z } from 'zod';
import { RempartError } from './errors.js';
import { problemsFromZod } from './model/problem.js';
import { redactUrl } from './store/database.js';

const Config = z
  .object({
    port: z.coerce.number().int().min(0).max(65535).default(4310),
    host: z.string().min(1).default('127.0.0.1'),
    dataDir: z.string().min(1).default('.rempart'),
    databaseUrl: z
      .string()
      .regex(/^postgres(ql)?:\/\//, { message: 'a postgres:// or postgresql:// URL' })
      .optional(),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Load the demo organisation into an empty database at start-up. */
    demo: z.boolean().default(true),
  })
  .strict();

export type Config = Readonly<z.output<typeof Config>>;

export interface ConfigFlags {
  port?: string | number;
  host?: string;
  data?: string;
  logLevel?: string;
  demo?: boolean;
}

/** Builds the configuration; throws a RempartError naming every bad setting. */
export function loadConfig(flags: ConfigFlags = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const input = {
    port: flags.port ?? env.REMPART_PORT ?? env.PORT,
    host: flags.host ?? env.REMPART_HOST,
    dataDir: flags.data ?? env.REMPART_DATA,
    databaseUrl: env.DATABASE_URL || undefined,
    logLevel: flags.logLevel ?? env.REMPART_LOG_LEVEL,
    demo: flags.demo ?? (env.REMPART_DEMO === undefined ? undefined : env.REMPART_DEMO !== '0' && env.REMPART_DEMO !== 'false'),
  };
  const result = Config.safeParse(input, { reportInput: true });
  if (!result.success) {
    const details = problemsFromZod(result.error, input).map((p) => (p.path === 'databaseUrl' ? { ...p, value: redactUrl(String(p.value)) } : p));
    throw new RempartError('invalid_input', 'The configuration is invalid.', details);
  }
  return Object.freeze(result.data);
}

/** The configuration as it may be printed or logged: no password. */
export function describeConfig(config: Config): Record<string, unknown> {
  return { ...config, databaseUrl: config.databaseUrl ? redactUrl(config.databaseUrl) : undefined };
}
