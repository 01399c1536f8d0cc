import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('configuration', () => {
  it('defaults to an embedded PostgreSQL event store on localhost:3000 with development secrets', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3000, host: '127.0.0.1', eventStore: 'postgres', databaseUrl: undefined, dataDir: './.data', demoData: true });
    expect(config.defaultSecrets).toEqual(['JWT_SECRET', 'PAYMENT_WEBHOOK_SECRET', 'LOGISTICS_WEBHOOK_SECRET']);
  });

  it('names every bad variable', () => {
    expect(() => loadConfig({ PORT: 'eighty', EVENT_STORE: 'mongo', DATABASE_URL: 'not a url', LOG_LEVEL: 'loud' })).toThrow(
      /PORT[\s\S]*DATABASE_URL[\s\S]*EVENT_STORE[\s\S]*LOG_LEVEL/,
    );
  });

  it('refuses to start in production with default secrets', () => {
    const error = (() => {
      try {
        loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) });
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(String(error)).toContain('PAYMENT_WEBHOOK_SECRET: required when NODE_ENV=production');
    expect(String(error)).not.toContain('JWT_SECRET: required');
  });

  it('treats empty variables as unset and parses broker lists', () => {
    const config = loadConfig({ JWT_SECRET: '', ERP_BASE_URL: ' ', KAFKA_BROKERS: 'a:9092, b:9092,' });
    expect(config.defaultSecrets).toContain('JWT_SECRET');
    expect(config.erpBaseUrl).toBeUndefined();
    expect(config.kafkaBrokers).toEqual(['a:9092', 'b:9092']);
  });

  it('requires a connection string for EventStoreDB', () => {
    expect(() => loadConfig({ EVENT_STORE: 'esdb' })).toThrow(/EVENTSTORE_CONNECTION_STRING/);
    expect(loadConfig({ EVENT_STORE: 'esdb', EVENTSTORE_CONNECTION_STRING: 'kurrentdb://localhost:2113?tls=false' }).eventStore).toBe('esdb');
    expect(loadConfig({ EVENT_STORE: 'esdb', EVENTSTORE_CONNECTION_STRING: 'esdb://localhost:2113?tls=false' }).eventStore).toBe('esdb');
    expect(() => loadConfig({ EVENT_STORE: 'esdb', EVENTSTORE_CONNECTION_STRING: 'http://localhost:2113' })).toThrow(/kurrentdb:\/\//);
  });
});
