// The real server (`node src/cli.ts start`) as a child process on the bench database, configured
// like production, so that the load generator never shares its event loop.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createTokenService, type Role } from '../../src/api/auth.ts';
import { freePort } from '../../src/db/embedded.ts';
import { repoRoot, stopChild } from './child.ts';

const JWT_SECRET = 'dealerline-bench-secret-0123456789abcdef';

export type AppServer = {
  url: string;
  /** The server process, e.g. to read its CPU time. */
  pid: number | undefined;
  token: (role: Role, dealerId?: string) => string;
  stop: () => Promise<void>;
};

/**
 * `start`: API, projections and adapters in one process (the quick start's way); `serve`: the API
 * only, beside a process that runs the workers (a deployment's way).
 */
export async function startAppServer(
  databaseUrl: string,
  options: { profileDir?: string | undefined; command?: 'start' | 'serve' } = {},
): Promise<AppServer> {
  const port = await freePort();
  const nodeFlags = options.profileDir
    ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`, '--cpu-prof-name=server-${pid}.cpuprofile']
    : [];
  const child = spawn(process.execPath, [...nodeFlags, path.join(repoRoot, 'src/cli.ts'), options.command ?? 'start'], {
    cwd: repoRoot,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      DEMO_DATA: 'false',
      LOG_LEVEL: 'warn',
      JWT_SECRET,
      PAYMENT_WEBHOOK_SECRET: 'bench-payment-webhook-secret',
      LOGISTICS_WEBHOOK_SECRET: 'bench-logistics-webhook-secret',
      // The load comes from one dealer; the limiter still runs, it just never refuses.
      RATE_LIMIT_PER_MINUTE: '1000000000',
    },
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4_000)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}: ${stderr}`);
    const ready = await fetch(`${url}/health/ready`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      await stopChild(child);
      throw new Error(`the server did not become ready: ${stderr}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const tokens = createTokenService(JWT_SECRET);
  return {
    url,
    pid: child.pid,
    token: (role, dealerId) => tokens.sign({ sub: `bench-${role}`, role, dealerId }, '2h'),
    stop: () => stopChild(child, 30_000),
  };
}
