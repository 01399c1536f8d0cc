// pgbench with a one-row INSERT per transaction: the commit ceiling of this server and disk.
import { spawn } from 'node:child_process';
import { accessSync, constants, readdirSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { serverCpuMicros } from '../../harness/server-cpu.ts';
import { LatencyRecorder } from '../../harness/stats.ts';
import type { WriterOutput } from './writer.ts';

export const PGBENCH_TABLE = `
  CREATE TABLE bench_commits (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    stream_id text NOT NULL,
    payload jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  )`;

const SCRIPT = `\\set n random(1, 1000000000)
INSERT INTO bench_commits (stream_id, payload) VALUES ('stream-' || :n, '{"sku": "SKU-000123", "quantity": 3, "unitPriceMinor": 5400, "currency": "CNY"}');
`;

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** pgbench from PGBENCH, the PATH or a Debian/Ubuntu PostgreSQL install; undefined when there is none. */
export function findPgbench(): string | undefined {
  const candidates = [process.env.PGBENCH, ...(process.env.PATH ?? '').split(':').map((dir) => path.join(dir, 'pgbench'))];
  try {
    for (const version of readdirSync('/usr/lib/postgresql').sort().reverse())
      candidates.push(`/usr/lib/postgresql/${version}/bin/pgbench`);
  } catch {
    // no Debian-style install
  }
  return candidates.find((file): file is string => file !== undefined && file !== '' && executable(file));
}

export async function createPgbenchTable(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(PGBENCH_TABLE);
  } finally {
    await client.end();
  }
}

/**
 * Runs pgbench for warm-up + duration with `clients` connections; throughput and latencies are
 * taken from its per-transaction log, over the same window as the event-store writers.
 */
export async function runPgbench(
  pgbench: string,
  url: string,
  pgDataDir: string,
  clients: number,
  warmupMs: number,
  durationMs: number,
): Promise<WriterOutput> {
  const dir = await mkdtemp(path.join(tmpdir(), 'dealerline-pgbench-'));
  try {
    const script = path.join(dir, 'insert.sql');
    await writeFile(script, SCRIPT);
    const target = new URL(url);
    // One spare second, so that the load is still running when the measured window closes.
    const seconds = Math.ceil((warmupMs + durationMs) / 1_000) + 1;
    const args = [
      '-n',
      '-M',
      'prepared',
      '-f',
      script,
      '-c',
      String(clients),
      '-j',
      String(Math.min(clients, 2)),
      '-T',
      String(seconds),
      '-l',
      '--log-prefix',
      path.join(dir, 'tx'),
      // The same transport as the other writers: the server's Unix socket when the URL names one.
      '-h',
      target.searchParams.get('host') ?? target.hostname,
      '-p',
      target.port,
      '-U',
      decodeURIComponent(target.username),
      target.pathname.slice(1),
    ];
    const child = spawn(pgbench, args, {
      env: { ...process.env, PGPASSWORD: decodeURIComponent(target.password) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    // The window is wall-clock time, so the server's CPU is sampled while pgbench's backends still live.
    const from = Date.now() + warmupMs;
    const to = from + durationMs;
    let cpuFrom: number | undefined;
    let cpuTo: number | undefined;
    const opens = setTimeout(() => (cpuFrom = serverCpuMicros(pgDataDir)), from - Date.now());
    const closes = setTimeout(() => (cpuTo = serverCpuMicros(pgDataDir)), to - Date.now());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(opens);
    clearTimeout(closes);
    if (code !== 0) throw new Error(`pgbench exited with ${code}: ${output.trim().slice(-1_000)}`);

    // Log lines: client_id transaction_no latency_us script_no epoch_s epoch_us
    const latencies = new LatencyRecorder();
    for (const file of (await readdir(dir)).filter((name) => name.startsWith('tx'))) {
      for (const line of (await readFile(path.join(dir, file), 'utf8')).split('\n')) {
        const fields = line.split(' ');
        if (fields.length < 6) continue;
        const at = Number(fields[4]) * 1_000 + Number(fields[5]) / 1_000;
        if (at >= from && at <= to) latencies.record(Number(fields[2]) / 1_000);
      }
    }
    const { p50, p99 } = latencies.summary();
    const serverCpu = cpuFrom !== undefined && cpuTo !== undefined ? cpuTo - cpuFrom : undefined;
    return {
      appends: latencies.count,
      events: latencies.count,
      seconds: durationMs / 1_000,
      p50,
      p99,
      clientCpuMicros: 0,
      serverCpuMicros: serverCpu,
      errors: 0,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
