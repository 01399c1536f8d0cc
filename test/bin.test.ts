// package.json's `bin`: the `dealerline` command runs the CLI on the pinned Node, also through a
// symlink from elsewhere (as npm's node_modules/.bin and `npm link` install it).
import { execFile } from 'node:child_process';
import { access, constants, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenService } from '../src/api/auth.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const SECRET = 'bin-test-secret-that-is-long-enough-0123456';

type Run = { code: number; stdout: string; stderr: string };

function run(file: string, args: string[], cwd: string): Promise<Run> {
  // A PATH without the pinned Node: the script must find it itself (the system's Node may be too old, or absent).
  const env = { PATH: '/usr/bin:/bin', NODE_ENV: 'test', JWT_SECRET: SECRET, LOG_LEVEL: 'silent' };
  return new Promise((resolve) => {
    execFile(file, args, { cwd, env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('bin/dealerline', () => {
  let elsewhere: string;
  beforeAll(async () => {
    elsewhere = await mkdtemp(path.join(tmpdir(), 'dealerline-bin-'));
  });
  afterAll(async () => {
    await rm(elsewhere, { recursive: true, force: true });
  });

  it('is what package.json names, and executable', async () => {
    const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(pkg.bin).toEqual({ dealerline: './bin/dealerline' });
    await access(path.join(root, pkg.bin.dealerline!), constants.X_OK);
  });

  it('prints the help', async () => {
    const result = await run(path.join(root, 'bin/dealerline'), ['help'], root);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^dealerline <command> \[options\]/);
    expect(result.stdout).toContain('rebuild <name|all>');
  });

  it('signs a token through a symlink from another directory, with the configured secret', async () => {
    const link = path.join(elsewhere, 'dealerline');
    await symlink(path.join(root, 'bin/dealerline'), link);
    const result = await run(link, ['token', '--role', 'finance', '--sub', 'bin-test'], elsewhere);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const principal = createTokenService(SECRET, 3_600 * 24).verify(result.stdout.trim());
    expect(principal).toMatchObject({ sub: 'bin-test', role: 'finance' });
  });

  it('passes the CLI exit code on', async () => {
    const result = await run(path.join(root, 'bin/dealerline'), ['token', '--role', 'nobody'], root);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--role must be one of');
  });
});
