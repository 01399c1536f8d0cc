// The real CLI process refuses to serve in production with the development secrets (unset, or set
// to the published development values), naming each variable, before it touches any database;
// with real secrets it starts without seeding demo data or printing a token.
import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createPool } from '../../src/db/database.ts';
import { PostgresEventStore } from '../../src/eventstore/postgres.ts';
import { createTestDatabase } from '../support/database.ts';
import { eventually } from '../support/wait.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Nothing listens on port 1: a process that got past its configuration fails differently. */
const DATABASE_PASSWORD = 'db-password-never-printed';
const UNREACHABLE_DATABASE = `postgres://dealerline:${DATABASE_PASSWORD}@127.0.0.1:1/dealerline`;

const STRONG = {
  JWT_SECRET: 'production-jwt-secret-of-enough-length-0001',
  PAYMENT_WEBHOOK_SECRET: 'production-payment-secret-01',
  LOGISTICS_WEBHOOK_SECRET: 'production-logistics-secret-01',
};

/** The values earlier versions used when nothing was set: public, since they are in the repository's history. */
const DEVELOPMENT = {
  JWT_SECRET: 'dealerline-dev-secret-change-me-0123456789',
  PAYMENT_WEBHOOK_SECRET: 'dev-payment-webhook-secret',
  LOGISTICS_WEBHOOK_SECRET: 'dev-logistics-webhook-secret',
};

type Run = { code: number | null; stdout: string; stderr: string };

function cli(command: string, env: Record<string, string>, args: string[] = []): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['src/cli.ts', command, ...args],
      {
        cwd: root,
        env: {
          PATH: process.env.PATH ?? '',
          NODE_ENV: 'production',
          DATABASE_URL: UNREACHABLE_DATABASE,
          DEMO_DATA: 'false',
          LOG_LEVEL: 'silent',
          ...env,
        },
        timeout: 30_000,
      },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

const REFUSAL = /required when NODE_ENV=production|is a value published/;

describe('NODE_ENV=production', () => {
  it('refuses to serve without secrets, naming every missing one', async () => {
    const run = await cli('serve', {});
    expect(run.code).not.toBe(0);
    for (const name of Object.keys(STRONG)) expect(run.stderr).toContain(`${name}: required when NODE_ENV=production`);
    expect(run.stdout).not.toContain('listening');
  });

  it('refuses the development values set explicitly, naming each', async () => {
    const run = await cli('serve', DEVELOPMENT);
    expect(run.code).not.toBe(0);
    for (const name of Object.keys(DEVELOPMENT)) expect(run.stderr).toContain(`${name}: is a value published in this project's history`);
  });

  it('names only what is still missing, and refuses a JWT secret too short to be safe', async () => {
    const oneMissing = await cli('start', { JWT_SECRET: STRONG.JWT_SECRET, PAYMENT_WEBHOOK_SECRET: STRONG.PAYMENT_WEBHOOK_SECRET });
    expect(oneMissing.code).not.toBe(0);
    expect(oneMissing.stderr).toContain('LOGISTICS_WEBHOOK_SECRET: required when NODE_ENV=production');
    expect(oneMissing.stderr).not.toMatch(/JWT_SECRET: required|PAYMENT_WEBHOOK_SECRET: required/);
    const short = await cli('serve', { ...STRONG, JWT_SECRET: 'short' });
    expect(short.code).not.toBe(0);
    expect(short.stderr).toMatch(/JWT_SECRET: must be at least 32 characters/);
  });

  it('gets past its configuration with real secrets (then fails on the unreachable database, not on secrets)', async () => {
    const run = await cli('serve', { ...STRONG, LOG_LEVEL: 'trace' });
    expect(run.code).not.toBe(0);
    expect(run.stderr).not.toMatch(REFUSAL);
    expect(run.stderr).toMatch(/ECONNREFUSED|connect/i);
    for (const secret of [...Object.values(STRONG), DATABASE_PASSWORD]) expect(run.stderr + run.stdout).not.toContain(secret);
  });
});

describe('NODE_ENV=production with real secrets', () => {
  it('starts without seeding demo data or printing a token, and the token command refuses lifetimes over the maximum', async () => {
    const database = await createTestDatabase();
    const env = {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      DATABASE_URL: database.url,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      ...STRONG,
    };
    const child = spawn(process.execPath, ['src/cli.ts', 'start'], { cwd: root, env });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      // Waits for the banner, the process's exit or the deadline, whichever comes first; the
      // assertion then shows what the process wrote.
      await eventually(() => (output.includes('Press Ctrl-C to stop.') || child.exitCode !== null ? true : undefined), {
        timeoutMs: 90_000,
        intervalMs: 50,
        what: 'the server to start',
      }).catch(() => undefined);
      expect(output, output).toContain('Dealerline is running at');
      expect(output).toContain('token --role');
    } finally {
      child.kill('SIGTERM');
      // A stop that hangs is a finding of its own, named as such rather than as a test timeout.
      const stopped = await eventually(() => (child.exitCode !== null || child.signalCode !== null ? true : undefined), {
        timeoutMs: 30_000,
        intervalMs: 50,
        what: 'the server to stop',
      }).then(
        () => true,
        () => false,
      );
      if (!stopped) child.kill('SIGKILL');
      expect(stopped, `the server did not stop within 30 s of SIGTERM:\n${output}`).toBe(true);
    }
    // No JWT (its header starts eyJ) anywhere in what the process wrote, and nothing seeded.
    expect(output).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
    const pool = createPool(database.url);
    const store = new PostgresEventStore(pool);
    expect(await store.headPosition()).toBe('0');
    await store.close();
    await pool.end();
    await database.drop();

    const tooLong = await cli('token', { ...STRONG, LOG_LEVEL: 'silent' }, ['--role', 'ops', '--expires', '365d']);
    expect(tooLong.code).toBe(2);
    expect(tooLong.stdout).toBe('');
    expect(tooLong.stderr).toContain('TOKEN_MAX_LIFETIME_HOURS');
    const week = await cli('token', { ...STRONG, LOG_LEVEL: 'silent' }, ['--role', 'ops', '--expires', '7d']);
    expect(week.code).toBe(0);
    expect(week.stdout).toMatch(/^eyJ/);
  }, 150_000);
});

describe('docker-compose.yml', () => {
  const compose = readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8');

  it('runs the app in production, with every secret required and no default for any', () => {
    expect(compose).toMatch(/^\s+NODE_ENV: production$/m);
    for (const name of ['JWT_SECRET', 'PAYMENT_WEBHOOK_SECRET', 'LOGISTICS_WEBHOOK_SECRET', 'POSTGRES_PASSWORD']) {
      const uses = [...compose.matchAll(new RegExp(`\\$\\{${name}([^}]*)\\}`, 'g'))].map((match) => match[1]!);
      expect(uses.length, name).toBeGreaterThan(0);
      for (const use of uses) expect(use, name).toMatch(/^:\?/);
    }
    expect(compose).toMatch(/DEMO_DATA: \$\{DEMO_DATA:-false\}/);
  });

  it('publishes ports on the loopback interface only', () => {
    const published = [...compose.matchAll(/^\s+- (["'])([^"']+)\1$/gm)].map((match) => match[2]!).filter((port) => /\d+:\d+$/.test(port));
    expect(published.length).toBeGreaterThan(0);
    for (const port of published) expect(port).toMatch(/^127\.0\.0\.1:/);
  });
});
