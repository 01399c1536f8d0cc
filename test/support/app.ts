// The real application for a test file: its own database, the HTTP server on a free port,
// projections running in-process; plus a small HTTP client and token maker.
import type { DestinationStream } from 'pino';
import type { Role } from '../../src/api/auth.ts';
import { loadConfig } from '../../src/config.ts';
import { STOCK_ALERT_STREAM_PREFIX } from '../../src/domain/notifications/stock-alerts.ts';
import { createLogger } from '../../src/logger.ts';
import { openInfrastructure, start, type Running } from '../../src/main.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { eventually } from './wait.ts';

export { eventually } from './wait.ts';

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-0123456789';

export type ApiResponse<Body = any> = { status: number; headers: Headers; body: Body; text: string };

export type RequestOptions = {
  token?: string | undefined;
  body?: unknown;
  headers?: Record<string, string>;
  /** Sent as is (e.g. CSV, or a workbook's bytes), instead of JSON. */
  raw?: string | Uint8Array;
  /**
   * A GET with `minPosition` that answers 503 (read models behind) throws unless this is set: a
   * test that goes on would read a stale read model and prove nothing.
   */
  allowBehind?: boolean;
};

/** What talks to a server: its tokens and its HTTP client (a TestApp, or one replica of a cluster). */
export type ApiClient = {
  token: (role: Role, dealerId?: string, sub?: string) => string;
  request: <Body = any>(method: string, path: string, options?: RequestOptions) => Promise<ApiResponse<Body>>;
};

export type TestApp = {
  url: string;
  running: Running;
  database: TestDatabase;
  token: (role: Role, dealerId?: string, sub?: string) => string;
  request: <Body = any>(method: string, path: string, options?: RequestOptions) => Promise<ApiResponse<Body>>;
  stop: () => Promise<void>;
};

export async function request<Body = any>(
  baseUrl: string,
  method: string,
  path: string,
  options: RequestOptions = {},
): Promise<ApiResponse<Body>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | Uint8Array | undefined;
  if (options.raw !== undefined) body = options.raw;
  else if (options.body !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(options.body);
  }
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
  const text = response.headers.get('content-type')?.startsWith('text/event-stream') ? await untilLive(response) : await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  if (response.status === 503 && method === 'GET' && /[?&]minPosition=/.test(path) && !options.allowBehind) {
    throw new Error(`GET ${path} answered 503: the read models did not reach minPosition (${text})`);
  }
  return { status: response.status, headers: response.headers, body: parsed as Body, text };
}

/**
 * A server-sent event stream never ends by itself: its text up to the comment that says everything
 * so far was sent (`: live`), then the connection is closed.
 */
async function untilLive(response: Response): Promise<string> {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (!/(^|\n): live\n/.test(text)) {
    const { done, value } = await reader.read();
    if (done) return text;
    text += decoder.decode(value, { stream: true });
  }
  await reader.cancel();
  return text;
}

export type TestAppOptions = {
  /** Where the app's log lines go (with LOG_LEVEL set in env); default: pino's stdout. */
  logDestination?: DestinationStream;
  /** Seed the demo data (and demo orders) as `npm start` does on an empty database. */
  seed?: boolean;
  /** false: the API alone, no projections or adapters running (read models stay as they are). */
  workers?: boolean;
  /** false: a worker alone (`dealerline worker`); its url is then that of its /health and /metrics (METRICS_PORT). */
  api?: boolean;
};

export async function startTestApp(env: Record<string, string> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  return startOn(await createTestDatabase(), env, options);
}

/**
 * An adapter that starts "now" (the stock alerts) takes the store's head as its start the first
 * time it runs, a moment after the server answers: a test's first events must come after that, or
 * the adapter would start past them.
 */
async function adaptersStarted(running: Running): Promise<void> {
  const { db, adapters } = running.infrastructure;
  const fromNow = adapters.filter((adapter) => adapter.startFrom === 'now').map((adapter) => adapter.name);
  if (fromNow.length === 0) return;
  await eventually(
    async () => {
      const rows = await db.selectFrom('integration.checkpoints').select('adapter').where('adapter', 'in', fromNow).execute();
      return rows.length === fromNow.length ? true : undefined;
    },
    30_000,
    `the adapters ${fromNow.join(', ')} to take their start`,
  );
}

async function startOn(database: TestDatabase, env: Record<string, string>, options: TestAppOptions): Promise<TestApp> {
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    PORT: '0',
    HOST: '127.0.0.1',
    DEMO_DATA: 'false',
    // TEST_LOG_LEVEL=error prints the server's errors, such as the cause of a 500, in a test run.
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    JWT_SECRET: TEST_JWT_SECRET,
    ...env,
  });
  const infrastructure = await openInfrastructure(config, createLogger(config, options.logDestination), { migrate: false });
  const running = await start(infrastructure, { api: options.api ?? true, workers: options.workers ?? true, seed: options.seed ?? false });
  if (running.deliveries) await adaptersStarted(running);
  const url = running.url!;
  return {
    url,
    running,
    database,
    token: (role, dealerId, sub) => infrastructure.tokens.sign({ sub: sub ?? `${role}-${dealerId ?? 'user'}`, role, dealerId }),
    request: (method, path, options) => request(url, method, path, options),
    async stop() {
      await running.stop();
      await infrastructure.close();
      await database.drop();
    },
  };
}

/**
 * Waits until every read model has caught up with the store as it is now: after `seed`, the demo
 * data's stock and orders take the projections a while, and a screen shown before then is not
 * the demo's (a product without its stock reads as sold out).
 */
export async function readModelsCaughtUp(app: TestApp, timeoutMs = 60_000): Promise<void> {
  const head = await app.running.infrastructure.store.headPosition();
  await eventually(
    async () =>
      (await app.request('GET', `/v1/orders?limit=1&minPosition=${head}`, { token: app.token('ops') })).status === 200 ? true : undefined,
    timeoutMs,
    'read models to catch up',
  );
}

/**
 * What the store took after `position` (its head, read before a command), as `type stream`, but
 * the stock alerts: a background adapter appends those whenever stock has moved, at any moment. A
 * refused command leaves this empty.
 */
export async function appendedSince(app: TestApp, position: string): Promise<string[]> {
  const { events } = await app.running.infrastructure.store.readAll({ after: position, maxCount: 100 });
  return events.filter((event) => !event.streamId.startsWith(STOCK_ALERT_STREAM_PREFIX)).map((event) => `${event.type} ${event.streamId}`);
}

/**
 * Stops the app's processes and connections, keeping its database, and starts them afresh on it, as
 * a restart of the server does (nothing in memory survives). Stop the app it answers, not `app`.
 */
export async function restartTestApp(app: TestApp, env: Record<string, string> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  await app.running.stop();
  await app.running.infrastructure.close();
  return startOn(app.database, env, options);
}
