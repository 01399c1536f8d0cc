// Configuration: the environment, validated by zod once at start; nothing else reads process.env.
import { z } from 'zod';

const DEV_JWT_SECRET = 'dealerline-dev-secret-change-me-0123456789';
const DEV_PAYMENT_WEBHOOK_SECRET = 'dev-payment-webhook-secret';
const DEV_LOGISTICS_WEBHOOK_SECRET = 'dev-logistics-webhook-secret';

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
  DATABASE_URL: optionalUrl,
  DATA_DIR: z.string().min(1).default('./.data'),
  EVENT_STORE: z.enum(['postgres', 'esdb']).default('postgres'),
  EVENTSTORE_CONNECTION_STRING: optionalString.pipe(
    z.string().regex(/^(kurrentdb|kurrent|kdb|esdb)(\+discover)?:\/\//, 'must be a kurrentdb:// connection string').optional(),
  ),
  KAFKA_BROKERS: z
    .string()
    .optional()
    .transform((value) => (value ?? '').split(',').map((broker) => broker.trim()).filter((broker) => broker !== '')),
  JWT_SECRET: optionalString.pipe(z.string().min(32, 'must be at least 32 characters').optional()),
  DEMO_DATA: booleanFlag.default(true),
  PAYMENT_WEBHOOK_SECRET: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  LOGISTICS_WEBHOOK_SECRET: optionalString.pipe(z.string().min(16, 'must be at least 16 characters').optional()),
  ERP_BASE_URL: optionalUrl,
  LOGISTICS_BASE_URL: optionalUrl,
  PAYMENT_BASE_URL: optionalUrl,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(6000),
  BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(1_048_576),
  EXPIRY_RED_DAYS: z.coerce.number().int().positive().default(30),
  EXPIRY_YELLOW_DAYS: z.coerce.number().int().positive().default(90),
  EXPIRY_BLUE_DAYS: z.coerce.number().int().positive().default(180),
});

export type Config = {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
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
  rateLimitPerMinute: number;
  bodyLimitBytes: number;
  expiryTiers: { redDays: number; yellowDays: number; blueDays: number };
  /** Names of settings still on their development defaults; refused in production. */
  defaultSecrets: string[];
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
  // The development values are in the source code: set explicitly, they are still the defaults.
  const isDefault = (value: string | undefined, development: string) => value === undefined || value === development;
  const defaultSecrets = [
    isDefault(e.JWT_SECRET, DEV_JWT_SECRET) ? 'JWT_SECRET' : undefined,
    isDefault(e.PAYMENT_WEBHOOK_SECRET, DEV_PAYMENT_WEBHOOK_SECRET) ? 'PAYMENT_WEBHOOK_SECRET' : undefined,
    isDefault(e.LOGISTICS_WEBHOOK_SECRET, DEV_LOGISTICS_WEBHOOK_SECRET) ? 'LOGISTICS_WEBHOOK_SECRET' : undefined,
  ].filter((name) => name !== undefined);
  if (e.NODE_ENV === 'production' && defaultSecrets.length > 0) {
    throw new ConfigError(
      `Invalid configuration:\n  ${defaultSecrets.map((name) => `${name}: required when NODE_ENV=production`).join('\n  ')}`,
    );
  }
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    eventStore: e.EVENT_STORE,
    eventStoreConnectionString: e.EVENTSTORE_CONNECTION_STRING,
    kafkaBrokers: e.KAFKA_BROKERS,
    jwtSecret: e.JWT_SECRET ?? DEV_JWT_SECRET,
    demoData: e.DEMO_DATA,
    paymentWebhookSecret: e.PAYMENT_WEBHOOK_SECRET ?? DEV_PAYMENT_WEBHOOK_SECRET,
    logisticsWebhookSecret: e.LOGISTICS_WEBHOOK_SECRET ?? DEV_LOGISTICS_WEBHOOK_SECRET,
    erpBaseUrl: e.ERP_BASE_URL,
    logisticsBaseUrl: e.LOGISTICS_BASE_URL,
    paymentBaseUrl: e.PAYMENT_BASE_URL,
    logLevel: e.LOG_LEVEL,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    expiryTiers: { redDays: e.EXPIRY_RED_DAYS, yellowDays: e.EXPIRY_YELLOW_DAYS, blueDays: e.EXPIRY_BLUE_DAYS },
    defaultSecrets,
  };
}
