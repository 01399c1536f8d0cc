// The real CLI process refuses to serve in production with the development secrets (unset, or set
// to the published development values), naming each variable, before it touches any database.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Nothing listens on port 1: a process that got past its configuration fails differently. */
const DATABASE_PASSWORD = 'db-password-never-printed';
const UNREACHABLE_DATABASE = `postgres://dealerline:${DATABASE_PASSWORD}@127.0.0.1:1/dealerline`;

const STRONG = {
  JWT_SECRET: 'production-jwt-secret-of-enough-length-0001',
  PAYMENT_WEBHOOK_SECRET: 'production-payment-secret-01',
  LOGISTICS_WEBHOOK_SECRET: 'production-logistics-secret-01',
};

/** The values src/config.ts uses when nothing is set: public, since they are in the repository. */
const DEVELOPMENT = {
  JWT_SECRET: 'dealerline-dev-secret-change-me-0123456789',
  PAYMENT_WEBHOOK_SECRET: 'dev-payment-webhook-secret',
  LOGISTICS_WEBHOOK_SECRET: 'dev-logistics-webhook-secret',
};

type Run = { code: number | null; stdout: string; stderr: string };

function cli(command: string, env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['src/cli.ts', command],
      { cwd: root, env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', DATABASE_URL: UNREACHABLE_DATABASE, DEMO_DATA: 'false', LOG_LEVEL: 'silent', ...env }, timeout: 30_000 },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr }),
    );
  });
}

const REFUSAL = /required when NODE_ENV=production/;

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
    for (const name of Object.keys(DEVELOPMENT)) expect(run.stderr).toContain(`${name}: required when NODE_ENV=production`);
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
