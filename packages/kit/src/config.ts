import { z } from 'zod';
import { parseTrustProxy, SERVICE_TRUST_PROXY_DEFAULT, type TrustProxy } from './http/trust-proxy.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Reads and validates environment variables against a zod object whose keys are the variable names.
 * Fails at start-up with one line per bad variable, naming it.
 */
export function loadConfig<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? '?');
    const shown = env[name] === undefined ? 'is not set' : `is invalid (${JSON.stringify(env[name])})`;
    return `  ${name} ${shown}: ${issue.message}`;
  });
  throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
}

/** TRUST_PROXY as Express's 'trust proxy' setting (see http/trust-proxy.ts). */
export const trustProxyVariable = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx): TrustProxy => {
      try {
        return parseTrustProxy(value);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: (err as Error).message });
        return z.NEVER;
      }
    });

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);

/** Variables every service reads. A service extends this with its own. */
export const baseConfigSchema = (defaults: { port: number; service: string }) =>
  z.object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    PORT: port(defaults.port),
    SERVICE_NAME: z.string().default(defaults.service),
    DATABASE_URL: z
      .string({ error: 'set it to mysql://user:pass@host:3306/db or sqlite:path/to/file.sqlite' })
      .regex(/^(mysql|mariadb|sqlite):/, 'must start with mysql:// or sqlite:'),
    BUS_URL: z
      .string()
      .regex(/^(memory|nats|kafka):\/\//, 'must be memory://, nats://host:4222 or kafka://broker1:9092,broker2:9092')
      .default('memory://'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** Where to fetch identity's public keys; not needed by identity itself. */
    JWKS_URL: z.url().optional(),
    JSON_BODY_LIMIT: z.string().default('1mb'),
    /** Proxies whose X-Forwarded-For names the client (per-IP limits): the gateway's hop. */
    TRUST_PROXY: trustProxyVariable(SERVICE_TRUST_PROXY_DEFAULT),
  });

export type BaseConfig = z.infer<ReturnType<typeof baseConfigSchema>>;
