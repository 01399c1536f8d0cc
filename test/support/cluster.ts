// A deployment as production runs it, for tests that race across processes: N API processes
// (`dealerline serve`, stateless) and one worker (`dealerline worker`: projections, adapters) on
// one fresh test database, each a real child process with its own pools, caches, per-stream
// command queues and Idempotency-Key merging. Requests go to a replica of the test's choosing.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createTokenService, type Role } from '../../src/api/auth.ts';
import { freePort } from '../../src/db/embedded.ts';
import { request, TEST_JWT_SECRET, type ApiClient } from './app.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { metricValue } from './metrics.ts';
import { eventually } from './wait.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

export type Replica = ApiClient & { index: number; url: string; process: ChildProcess };

export type Cluster = {
  database: TestDatabase;
  replicas: Replica[];
  worker: ChildProcess;
  token: ApiClient['token'];
  /** The sum over the replicas of a counter on /metrics (labels narrowing it). */
  counter: (name: string, labels?: Record<string, string>) => Promise<number>;
  /** What the processes wrote to stderr (for a failing test's message). */
  output: () => string;
  stop: () => Promise<void>;
};

export type ClusterOptions = {
  /** API processes (`serve`); 2 by default. */
  replicas?: number;
  /** Extra environment for every process. */
  env?: Record<string, string>;
  /** Extra environment for one API process (e.g. to run one replica differently). */
  replicaEnv?: (index: number) => Record<string, string>;
};

type Child = { process: ChildProcess; name: string };

function startProcess(command: 'serve' | 'worker', env: Record<string, string>, log: string[], name: string): Child {
  const child = spawn(process.execPath, ['src/cli.ts', command], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      DEMO_DATA: 'false',
      LOG_LEVEL: 'warn',
      JWT_SECRET: TEST_JWT_SECRET,
      HOST: '127.0.0.1',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr.on('data', (chunk: Buffer) => log.push(`[${name}] ${chunk.toString()}`));
  return { process: child, name };
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = AbortSignal.timeout(15_000);
  await Promise.race([exited, once(timer, 'abort')]);
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await exited;
  }
}

/** Starts the replicas and the worker on a fresh database; resolves once every replica is ready. */
export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const database = await createTestDatabase();
  const log: string[] = [];
  const tokens = createTokenService(TEST_JWT_SECRET);
  const token = (role: Role, dealerId?: string, sub?: string) =>
    tokens.sign({ sub: sub ?? `${role}-${dealerId ?? 'user'}`, role, dealerId });
  const env = { DATABASE_URL: database.url, ...options.env };
  const children: Child[] = [];
  try {
    const worker = startProcess('worker', env, log, 'worker');
    children.push(worker);
    const replicas: Replica[] = [];
    for (let index = 0; index < (options.replicas ?? 2); index++) {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const child = startProcess('serve', { ...env, ...options.replicaEnv?.(index), PORT: String(port) }, log, `serve-${index}`);
      children.push(child);
      replicas.push({
        index,
        url,
        process: child.process,
        token,
        request: (method, path, requestOptions) => request(url, method, path, requestOptions),
      });
    }
    for (const replica of replicas) {
      await eventually(
        async () => {
          if (replica.process.exitCode !== null)
            throw new Error(`serve-${replica.index} exited with ${replica.process.exitCode}: ${log.join('')}`);
          return (await request(replica.url, 'GET', '/health/ready')).status === 200 ? true : undefined;
        },
        60_000,
        `serve-${replica.index} to be ready`,
      );
    }
    if (worker.process.exitCode !== null) throw new Error(`the worker exited with ${worker.process.exitCode}: ${log.join('')}`);
    return {
      database,
      replicas,
      worker: worker.process,
      token,
      counter: async (name, labels) =>
        (await Promise.all(replicas.map((replica) => metricValue(replica.url, name, labels)))).reduce((sum, value) => sum + value, 0),
      output: () => log.join(''),
      async stop() {
        await Promise.all(children.map((child) => stopProcess(child.process)));
        await database.drop();
      },
    };
  } catch (error) {
    await Promise.all(children.map((child) => stopProcess(child.process)));
    await database.drop();
    throw error;
  }
}
