import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, developmentSecretsFile, loadConfig } from './config.ts';

const dataDir = () => mkdtempSync(path.join(tmpdir(), 'dealerline-config-'));

const STRONG = {
  JWT_SECRET: 'production-jwt-secret-of-enough-length-0001',
  PAYMENT_WEBHOOK_SECRET: 'production-payment-secret-01',
  LOGISTICS_WEBHOOK_SECRET: 'production-logistics-secret-01',
};

function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (caught) {
    expect(caught).toBeInstanceOf(ConfigError);
    return String(caught);
  }
  throw new Error('the configuration was accepted');
}

describe('configuration', () => {
  it('defaults to development on localhost:3000 with an embedded PostgreSQL and demo data', () => {
    const config = loadConfig({ DATA_DIR: dataDir() });
    expect(config).toMatchObject({
      env: 'development',
      port: 3000,
      host: '127.0.0.1',
      eventStore: 'postgres',
      databaseUrl: undefined,
      demoData: true,
    });
  });

  it('gives each development install secrets of its own, kept in its data directory for the owner only', () => {
    const dir = dataDir();
    const first = loadConfig({ DATA_DIR: dir });
    expect(first.generatedSecrets).toEqual(['JWT_SECRET', 'PAYMENT_WEBHOOK_SECRET', 'LOGISTICS_WEBHOOK_SECRET']);
    expect(statSync(developmentSecretsFile(dir)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(developmentSecretsFile(dir), 'utf8'))).toEqual({
      JWT_SECRET: first.jwtSecret,
      PAYMENT_WEBHOOK_SECRET: first.paymentWebhookSecret,
      LOGISTICS_WEBHOOK_SECRET: first.logisticsWebhookSecret,
    });
    const again = loadConfig({ DATA_DIR: dir });
    expect([again.jwtSecret, again.paymentWebhookSecret]).toEqual([first.jwtSecret, first.paymentWebhookSecret]);
    const other = loadConfig({ DATA_DIR: dataDir() });
    expect(other.jwtSecret).not.toBe(first.jwtSecret);
    expect(first.jwtSecret.length).toBeGreaterThanOrEqual(32);
    // A secret set in the environment wins, and is not written anywhere.
    expect(loadConfig({ DATA_DIR: dir, JWT_SECRET: STRONG.JWT_SECRET }).jwtSecret).toBe(STRONG.JWT_SECRET);
  });

  it('makes up secrets for tests without writing them', () => {
    const dir = dataDir();
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dir });
    expect(config.jwtSecret).not.toBe(loadConfig({ NODE_ENV: 'test', DATA_DIR: dir }).jwtSecret);
    expect(() => statSync(developmentSecretsFile(dir))).toThrow();
  });

  it('counts business days in Asia/Shanghai unless BUSINESS_TIME_ZONE names another IANA zone, and refuses an unknown one by name', () => {
    const test = { NODE_ENV: 'test', DATA_DIR: dataDir() };
    expect(loadConfig(test).businessTimeZone).toBe('Asia/Shanghai');
    expect(loadConfig({ ...test, BUSINESS_TIME_ZONE: '' }).businessTimeZone).toBe('Asia/Shanghai');
    expect(loadConfig({ ...test, BUSINESS_TIME_ZONE: 'Europe/Berlin' }).businessTimeZone).toBe('Europe/Berlin');
    expect(refusal({ ...test, BUSINESS_TIME_ZONE: 'Mars/Olympus_Mons' })).toContain('BUSINESS_TIME_ZONE: must be an IANA time zone name');
    expect(refusal({ ...test, BUSINESS_TIME_ZONE: '+08:00' })).toContain('BUSINESS_TIME_ZONE');
  });

  it('names every bad variable', () => {
    expect(() => loadConfig({ PORT: 'eighty', EVENT_STORE: 'mongo', DATABASE_URL: 'not a url', LOG_LEVEL: 'loud' })).toThrow(
      /PORT[\s\S]*DATABASE_URL[\s\S]*EVENT_STORE[\s\S]*LOG_LEVEL/,
    );
  });

  it('refuses to start in production without every secret, naming each missing one', () => {
    const error = refusal({ NODE_ENV: 'production', JWT_SECRET: STRONG.JWT_SECRET });
    expect(error).toContain('PAYMENT_WEBHOOK_SECRET: required when NODE_ENV=production');
    expect(error).toContain('LOGISTICS_WEBHOOK_SECRET: required when NODE_ENV=production');
    expect(error).not.toContain('JWT_SECRET: required');
  });

  it('refuses the secrets earlier versions defaulted to, in every environment', () => {
    for (const env of ['production', 'development', 'test']) {
      const error = refusal({
        NODE_ENV: env,
        DATA_DIR: dataDir(),
        JWT_SECRET: 'dealerline-dev-secret-change-me-0123456789',
        PAYMENT_WEBHOOK_SECRET: 'dev-payment-webhook-secret',
      });
      expect(error).toContain('JWT_SECRET: is a value published');
      expect(error).toContain('PAYMENT_WEBHOOK_SECRET: is a value published');
    }
  });

  it('seeds demo data in production only when DEMO_DATA is set to true', () => {
    expect(loadConfig({ NODE_ENV: 'production', ...STRONG }).demoData).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', ...STRONG, DEMO_DATA: 'true' }).demoData).toBe(true);
    expect(loadConfig({ NODE_ENV: 'development', DATA_DIR: dataDir(), DEMO_DATA: 'false' }).demoData).toBe(false);
  });

  it('listens on loopback only in development', () => {
    expect(refusal({ HOST: '0.0.0.0', DATA_DIR: dataDir() })).toContain('HOST: development listens on loopback only');
    expect(loadConfig({ HOST: '::1', DATA_DIR: dataDir() }).host).toBe('::1');
    expect(loadConfig({ NODE_ENV: 'production', ...STRONG, HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
  });

  it('treats empty variables as unset and parses broker lists', () => {
    const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: '', ERP_BASE_URL: ' ', KAFKA_BROKERS: 'a:9092, b:9092,' });
    expect(config.generatedSecrets).toContain('JWT_SECRET');
    expect(config.erpBaseUrl).toBeUndefined();
    expect(config.kafkaBrokers).toEqual(['a:9092', 'b:9092']);
  });

  it('bounds the lifetime of tokens, a week unless set', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).tokenMaxLifetimeSeconds).toBe(7 * 86_400);
    expect(loadConfig({ NODE_ENV: 'test', TOKEN_MAX_LIFETIME_HOURS: '1' }).tokenMaxLifetimeSeconds).toBe(3_600);
    expect(refusal({ NODE_ENV: 'test', TOKEN_MAX_LIFETIME_HOURS: '0' })).toContain('TOKEN_MAX_LIFETIME_HOURS');
  });

  it('requires a connection string for EventStoreDB', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', EVENT_STORE: 'esdb' })).toThrow(/EVENTSTORE_CONNECTION_STRING/);
    expect(
      loadConfig({ NODE_ENV: 'test', EVENT_STORE: 'esdb', EVENTSTORE_CONNECTION_STRING: 'kurrentdb://localhost:2113?tls=false' })
        .eventStore,
    ).toBe('esdb');
    expect(
      loadConfig({ NODE_ENV: 'test', EVENT_STORE: 'esdb', EVENTSTORE_CONNECTION_STRING: 'esdb://localhost:2113?tls=false' }).eventStore,
    ).toBe('esdb');
    expect(() => loadConfig({ NODE_ENV: 'test', EVENT_STORE: 'esdb', EVENTSTORE_CONNECTION_STRING: 'http://localhost:2113' })).toThrow(
      /kurrentdb:\/\//,
    );
  });
});
