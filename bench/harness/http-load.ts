// A small closed-loop HTTP load generator (node:http, keep-alive): `concurrency` clients, each
// sending its next request as soon as the last one answered, for a warm-up and a measured window.
import http from 'node:http';
import { LatencyRecorder } from './stats.ts';

export type HttpLoad = {
  baseUrl: string;
  /** Request paths, taken round-robin. */
  paths: readonly string[];
  headers: Record<string, string>;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
};

export type HttpLoadResult = { requests: number; requestsPerSecond: number; p50: number; p99: number; max: number; errors: number; firstError?: string };

function get(agent: http.Agent, url: URL, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent, headers }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      response.on('error', reject);
    });
    request.on('error', reject);
  });
}

export async function runHttpLoad(load: HttpLoad): Promise<HttpLoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: load.concurrency });
  const urls = load.paths.map((path) => new URL(path, load.baseUrl));
  const latencies = new LatencyRecorder();
  let next = 0;
  let errors = 0;
  let firstError: string | undefined;
  const measureFrom = performance.now() + load.warmupMs;
  const end = measureFrom + load.durationMs;

  async function client(): Promise<void> {
    while (performance.now() < end) {
      const url = urls[next++ % urls.length]!;
      const begun = performance.now();
      try {
        const { status, body } = await get(agent, url, load.headers);
        if (status !== 200) throw new Error(`GET ${url.pathname}${url.search}: ${status} ${body.slice(0, 200)}`);
      } catch (error) {
        errors += 1;
        firstError ??= error instanceof Error ? error.message : String(error);
        continue;
      }
      const done = performance.now();
      if (done >= measureFrom && done <= end) latencies.record(done - begun);
    }
  }

  try {
    await Promise.all(Array.from({ length: load.concurrency }, () => client()));
  } finally {
    agent.destroy();
  }
  const { p50, p99, max } = latencies.summary();
  return { requests: latencies.count, requestsPerSecond: latencies.count / (load.durationMs / 1_000), p50, p99, max, errors, firstError };
}
