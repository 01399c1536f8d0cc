// Configuration: the environment, validated by zod once at start; nothing else reads process.env.
// Secrets: set in production; in development generated once per install and kept in DATA_DIR.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_BUSINESS_TIME_ZONE, isTimeZone } from './domain/shared/calendar.ts';

/**
 * Values earlier versions used when a secret was not set. They are in the repository's history,
 * so anyone can sign with them: refused whatever NODE_ENV says.
 */
const PUBLISHED_SECRETS = new Set([
  'dealerline-dev-secret-change-me-0123456789',
  'dev-payment-webhook-secret',
  'dev-logistics-webhook-secret',
]);

const SECRET_NAMES = ['JWT_SECRET', 'PAYMENT_WEBHOOK_SECRET', 'LOGISTICS_WEBHOOK_SECRET'] as const;
type SecretName = (typeof SECRET_NAMES)[number];

/** Where development keeps the secrets it generated, so tokens and signatures survive a restart. */
export const developmentSecretsFile = (dataDir: string) => path.join(dataDir, 'secrets.json');

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '::1', 'localhost']);

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

/** Unset and empty both mean "not configured". */
const optionalString = z
  .string()
  .optional()
  .transform((value) => (value?.trim() ? value.trim() : undefined));

const optionalUrl = optionalString.pipe(z.url().optional());

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  DATABASE_URL: optionalUrl,
  DATA_DIR: z.string().min(1).default('./.data'),
  EVENT_STORE: z.enum(['postgres', 'esdb']).default('postgres'),
  EVENTSTORE_CONNECTION_STRING: optionalString.pipe(
    z
      .string()
      .regex(/^(kurrentdb|kurrent|kdb|esdb)(\+discover)?:\/\//, 'must be a kurrentdb:// connection string')
      .optional(),
  ),
  KAFKA_BROKERS: z
    .string()
    .optional()
    .transform((value) =>
      (value ?? '')
        .split(',')
        .map((broker) => broker.trim())
        .filter((broker) => broker !== ''),
    ),
  JWT_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  DEMO_DATA: booleanFlag.optional(),
  PAYMENT_WEBHOOK_SECRET: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  LOGISTICS_WEBHOOK_SECRET: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  ERP_BASE_URL: optionalUrl,
  LOGISTICS_BASE_URL: optionalUrl,
  PAYMENT_BASE_URL: optionalUrl,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  TOKEN_MAX_LIFETIME_HOURS: z.coerce.number().int().min(1).max(8_760).default(168),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(6000),
  BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(1_048_576),
  EXPIRY_RED_DAYS: z.coerce.number().int().positive().default(30),
  EXPIRY_YELLOW_DAYS: z.coerce.number().int().positive().default(90),
  EXPIRY_BLUE_DAYS: z.coerce.number().int().positive().default(180),
  BUSINESS_TIME_ZONE: optionalString
    .transform((value) => value ?? DEFAULT_BUSINESS_TIME_ZONE)
    .refine(isTimeZone, 'must be an IANA time zone name, such as Asia/Shanghai or Europe/Berlin'),
});

export type Config = {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  /** `dealerline worker` (no API) serves /health and /metrics on this port when it is set. */
  metricsPort: number | undefined;
  databaseUrl: string | undefined;
  dataDir: string;
  eventStore: 'postgres' | 'esdb';
  eventStoreConnectionString: string | undefined;
  kafkaBrokers: string[];
  jwtSecret: string;
  demoData: boolean;
  paymentWebhookSecret: string;
  logisticsWebhookSecret: string;
  erpBaseUrl: string | undefined;
  logisticsBaseUrl: string | undefined;
  paymentBaseUrl: string | undefined;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** No token is accepted, or signed, for longer than this. */
  tokenMaxLifetimeSeconds: number;
  rateLimitPerMinute: number;
  bodyLimitBytes: number;
  expiryTiers: { redDays: number; yellowDays: number; blueDays: number };
  /** The IANA time zone business days and months are counted in (the manufacturer's). */
  businessTimeZone: string;
  /** Secrets not set in the environment, taken from the development secrets file (or, in tests, made up). */
  generatedSecrets: SecretName[];
};

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads and validates the configuration; throws a ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  if (e.EVENT_STORE === 'esdb' && !e.EVENTSTORE_CONNECTION_STRING) {
    throw new ConfigError('Invalid configuration:\n  EVENTSTORE_CONNECTION_STRING: required when EVENT_STORE=esdb');
  }
  if (!(e.EXPIRY_RED_DAYS < e.EXPIRY_YELLOW_DAYS && e.EXPIRY_YELLOW_DAYS < e.EXPIRY_BLUE_DAYS)) {
    throw new ConfigError('Invalid configuration:\n  EXPIRY_*_DAYS: must satisfy RED < YELLOW < BLUE');
  }
  const given: Record<SecretName, string | undefined> = {
    JWT_SECRET: e.JWT_SECRET,
    PAYMENT_WEBHOOK_SECRET: e.PAYMENT_WEBHOOK_SECRET,
    LOGISTICS_WEBHOOK_SECRET: e.LOGISTICS_WEBHOOK_SECRET,
  };
  const problems = [
    ...SECRET_NAMES.filter((name) => given[name] !== undefined && PUBLISHED_SECRETS.has(given[name])).map(
      (name) => `${name}: is a value published in this project's history; choose your own`,
    ),
    ...(e.NODE_ENV === 'production'
      ? SECRET_NAMES.filter((name) => given[name] === undefined).map((name) => `${name}: required when NODE_ENV=production`)
      : []),
    ...(e.NODE_ENV === 'development' && !LOOPBACK_HOSTS.has(e.HOST)
      ? [
          `HOST: development listens on loopback only (127.0.0.1, ::1, localhost); to listen on ${e.HOST}, run with NODE_ENV=production and real secrets`,
        ]
      : []),
  ];
  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  const generatedSecrets = SECRET_NAMES.filter((name) => given[name] === undefined);
  const generated: Partial<Record<SecretName, string>> =
    generatedSecrets.length === 0 ? {} : e.NODE_ENV === 'development' ? developmentSecrets(e.DATA_DIR) : freshSecrets();
  const secret = (name: SecretName) => given[name] ?? generated[name]!;
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    metricsPort: e.METRICS_PORT,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    eventStore: e.EVENT_STORE,
    eventStoreConnectionString: e.EVENTSTORE_CONNECTION_STRING,
    kafkaBrokers: e.KAFKA_BROKERS,
    jwtSecret: secret('JWT_SECRET'),
    // Demo data goes only where it is asked for, or into a development install.
    demoData: e.DEMO_DATA ?? e.NODE_ENV === 'development',
    paymentWebhookSecret: secret('PAYMENT_WEBHOOK_SECRET'),
    logisticsWebhookSecret: secret('LOGISTICS_WEBHOOK_SECRET'),
    erpBaseUrl: e.ERP_BASE_URL,
    logisticsBaseUrl: e.LOGISTICS_BASE_URL,
    paymentBaseUrl: e.PAYMENT_BASE_URL,
    logLevel: e.LOG_LEVEL,
    tokenMaxLifetimeSeconds: e.TOKEN_MAX_LIFETIME_HOURS * 3_600,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    expiryTiers: { redDays: e.EXPIRY_RED_DAYS, yellowDays: e.EXPIRY_YELLOW_DAYS, blueDays: e.EXPIRY_BLUE_DAYS },
    businessTimeZone: e.BUSINESS_TIME_ZONE,
    generatedSecrets,
  };
}

const freshSecrets = (): Record<SecretName, string> =>
  Object.fromEntries(SECRET_NAMES.map((name) => [name, randomBytes(32).toString('base64url')])) as Record<SecretName, string>;

/**
 * The secrets of this development install: read from DATA_DIR, or generated at random and
 * written there (readable by the owner only) on first use. Never the same in two installs.
 */
function developmentSecrets(dataDir: string): Record<SecretName, string> {
  const file = developmentSecretsFile(dataDir);
  let stored: Partial<Record<SecretName, string>> = {};
  try {
    stored = z.partialRecord(z.enum(SECRET_NAMES), z.string().min(32)).parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new ConfigError(`Invalid configuration:\n  ${file}: ${(error as Error).message}`);
  }
  const secrets = { ...freshSecrets(), ...stored };
  if (SECRET_NAMES.some((name) => stored[name] === undefined)) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  }
  return secrets;
}
