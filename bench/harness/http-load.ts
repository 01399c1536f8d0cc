// A small closed-loop HTTP load generator (node:http, keep-alive): `concurrency` clients, each
// sending its next request as soon as the last one answered, for a warm-up and a measured window.
// GETs of fixed paths (`paths`), or any request built per client and per request (`request`):
// e.g. a POST with a JSON body, the client's own token and a fresh Idempotency-Key.
import http from 'node:http';
import { LatencyRecorder } from './stats.ts';

/** One request of a load: a GET without a body, or a POST/PUT/PATCH of `body` as JSON. */
export type HttpRequestSpec = {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  headers?: Record<string, string>;
  /** Sent as JSON (content-type and content-length set here). */
  body?: unknown;
};

/** What a load hands its `onResponse` hook for every answered request (warm-up ones too). */
export type HttpAnswer = {
  client: number;
  request: HttpRequestSpec;
  status: number;
  body: string;
  /** performance.now() when the request was sent and when its answer had fully arrived. */
  sentAt: number;
  answeredAt: number;
  /** Inside the measured window (not warm-up). */
  measured: boolean;
  /** The status was the expected one. */
  ok: boolean;
};

export type HttpLoad = {
  /** Where to send; several: client i sends to baseUrl[i mod n] (replicas behind no balancer). */
  baseUrl: string | readonly string[];
  /** Request paths, taken round-robin (GET); ignored when `request` is given. */
  paths?: readonly string[];
  /** Headers of every request (a spec's own headers are added to these). */
  headers?: Record<string, string>;
  /** Builds the next request of client `client` (0 … concurrency − 1); `sequence` counts that client's requests. */
  request?: (client: number, sequence: number) => HttpRequestSpec;
  /** The status that counts as success: 200 for GET, 201 otherwise, unless given. */
  expectStatus?: number | ((request: HttpRequestSpec) => number);
  /** Called on every answer (warm-up included); e.g. to read the decision out of the body. */
  onResponse?: (answer: HttpAnswer) => void;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
};

export type HttpLoadResult = {
  requests: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  firstError?: string;
  /** Answers in the measured window by status code (`"201"`, …; `"network"` for failed requests). */
  statuses: Record<string, number>;
};

function send(
  agent: http.Agent,
  url: URL,
  spec: HttpRequestSpec,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const payload = spec.body === undefined ? undefined : JSON.stringify(spec.body);
    const request = http.request(
      url,
      {
        agent,
        method: spec.method ?? (payload === undefined ? 'GET' : 'POST'),
        headers:
          payload === undefined
            ? headers
            : { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) },
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

export async function runHttpLoad(load: HttpLoad): Promise<HttpLoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: load.concurrency });
  const bases = (typeof load.baseUrl === 'string' ? [load.baseUrl] : load.baseUrl).map((url) => new URL(url));
  const paths = load.paths ?? [];
  if (!load.request && paths.length === 0) throw new Error('an HTTP load needs paths or a request builder');
  const latencies = new LatencyRecorder();
  const statuses: Record<string, number> = {};
  let next = 0;
  let errors = 0;
  let firstError: string | undefined;
  const measureFrom = performance.now() + load.warmupMs;
  const end = measureFrom + load.durationMs;
  const expected = (spec: HttpRequestSpec) => {
    if (typeof load.expectStatus === 'function') return load.expectStatus(spec);
    return load.expectStatus ?? ((spec.method ?? (spec.body === undefined ? 'GET' : 'POST')) === 'GET' ? 200 : 201);
  };

  async function client(index: number): Promise<void> {
    for (let sequence = 0; performance.now() < end; sequence++) {
      const spec: HttpRequestSpec = load.request ? load.request(index, sequence) : { path: paths[next++ % paths.length]! };
      const url = new URL(spec.path, bases[index % bases.length]);
      const headers = spec.headers ? { ...load.headers, ...spec.headers } : (load.headers ?? {});
      const sentAt = performance.now();
      let answer: { status: number; body: string };
      try {
        answer = await send(agent, url, spec, headers);
      } catch (error) {
        const failedAt = performance.now();
        if (failedAt >= measureFrom && failedAt <= end) statuses.network = (statuses.network ?? 0) + 1;
        errors += 1;
        firstError ??= `${spec.method ?? 'GET'} ${url.pathname}: ${error instanceof Error ? error.message : String(error)}`;
        continue;
      }
      const answeredAt = performance.now();
      const measured = answeredAt >= measureFrom && answeredAt <= end;
      const ok = answer.status === expected(spec);
      if (measured) statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
      load.onResponse?.({ client: index, request: spec, status: answer.status, body: answer.body, sentAt, answeredAt, measured, ok });
      if (!ok) {
        errors += 1;
        firstError ??= `${spec.method ?? (spec.body === undefined ? 'GET' : 'POST')} ${url.pathname}${url.search}: ${answer.status} ${answer.body.slice(0, 200)}`;
        continue;
      }
      if (measured) latencies.record(answeredAt - sentAt);
    }
  }

  try {
    await Promise.all(Array.from({ length: load.concurrency }, (_, index) => client(index)));
  } finally {
    agent.destroy();
  }
  const { p50, p99, max } = latencies.summary();
  return {
    requests: latencies.count,
    requestsPerSecond: latencies.count / (load.durationMs / 1_000),
    p50,
    p99,
    max,
    errors,
    firstError,
    statuses,
  };
}
