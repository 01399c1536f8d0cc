// The PostgreSQL event store's append and the Idempotency-Key completion on a store that grew after
// their plans were made: a session keeps the plans of its functions' statements, made while the
// tables were small (a fresh database), and none of them may then read a whole table.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { sequentialScans } from '../support/statistics.ts';
import { eventually } from '../support/wait.ts';

let database: TestDatabase;
const clients: pg.Client[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.end()));
  await database.drop();
});

async function connect(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  clients.push(client);
  return client;
}

type Outcome = { outcome: string; next_revision: string; last_position: string | null };

/** One es_append_groups call: one event to each stream, each its own group, expecting any revision. */
async function append(client: pg.Client, streams: readonly string[]): Promise<Outcome[]> {
  const { rows } = await client.query<Outcome>(
    `SELECT * FROM es_append_groups($1::text[], $2::bigint[], $3::int[], $4::int[], $5::uuid[], $6::text[], $7::jsonb, $8::jsonb)`,
    [
      streams,
      streams.map(() => -1),
      streams.map(() => 1),
      streams.map((_, index) => index),
      streams.map(() => randomUUID()),
      streams.map(() => 'Tested'),
      JSON.stringify(streams.map(() => ({}))),
      JSON.stringify(streams.map(() => ({}))),
    ],
  );
  return rows;
}

describe('plans made while the store was small', () => {
  it('never scan es_streams whole when the appends move streams of a store that has grown since', async () => {
    const session = await connect();
    const streams = ['plan-a', 'plan-b', 'plan-c'];
    // More than five calls: the session settles on generic plans, made on a table of three rows.
    for (let call = 0; call < 8; call += 1) await append(session, streams);

    const other = await connect();
    await other.query(`INSERT INTO es_streams (stream_id, revision) SELECT 'filler-' || n, 0 FROM generate_series(1, 20000) AS n`);

    const before = await sequentialScans(session, 'es_streams');
    for (let call = 0; call < 4; call += 1) {
      const outcomes = await append(session, [...streams, `plan-new-${call}`]);
      expect(outcomes.map((row) => [row.outcome, Number(row.next_revision)])).toEqual([
        ['ok', 8 + call],
        ['ok', 8 + call],
        ['ok', 8 + call],
        ['ok', 0],
      ]);
    }
    expect(await sequentialScans(session, 'es_streams')).toBe(before);
  });

  it('moves the row its lock returned when another append moved the stream while it waited', async () => {
    const first = await connect();
    const second = await connect();
    await append(first, ['waited']);
    await first.query('BEGIN');
    expect((await append(first, ['waited']))[0]).toMatchObject({ outcome: 'ok', next_revision: '1' });
    // The second append waits for the first one's lock on the stream; the row it then locks is
    // the version the first one wrote.
    const waiting = append(second, ['waited']);
    await waitUntilBlocked(first, second);
    await first.query('COMMIT');
    expect((await waiting)[0]).toMatchObject({ outcome: 'ok', next_revision: '2' });
    const { rows } = await first.query<{ revision: string }>(`SELECT revision FROM es_events WHERE stream_id = 'waited' ORDER BY position`);
    expect(rows.map((row) => Number(row.revision))).toEqual([0, 1, 2]);
    const stream = await first.query<{ revision: string }>(`SELECT revision FROM es_streams WHERE stream_id = 'waited'`);
    expect(Number(stream.rows[0]!.revision)).toBe(2);
  });

  it('never scan idempotency_keys whole when completions find their keys in a table that has grown since', async () => {
    const session = await connect();
    const claim = (keys: string[]) =>
      session.query(
        `INSERT INTO idempotency_keys (scope, key, request_hash, locked_until) SELECT 'plan', key, 'h', now() FROM unnest($1::text[]) AS key`,
        [keys],
      );
    const complete = (keys: string[]) =>
      session.query(`SELECT complete_idempotency_keys($1::text[], $2::text[], $3::int[], $4::text[])`, [
        keys.map(() => 'plan'),
        keys,
        keys.map(() => 201),
        keys.map((key) => JSON.stringify({ key })),
      ]);
    const other = await connect();
    const fill = (count: number) =>
      other.query(
        `INSERT INTO idempotency_keys (scope, key, request_hash, locked_until)
         SELECT 'filler', gen_random_uuid()::text, 'h', now() FROM generate_series(1, $1::int)`,
        [count],
      );
    // The few hundred keys of a server's first seconds.
    await fill(500);
    for (let call = 0; call < 8; call += 1) {
      await claim([`early-${call}`, `early-${call}-b`]);
      await complete([`early-${call}`, `early-${call}-b`]);
    }
    await fill(20_000);

    const before = await sequentialScans(session, 'idempotency_keys');
    await claim(['late-1', 'late-2']);
    await complete(['late-1', 'late-2']);
    expect(await sequentialScans(session, 'idempotency_keys')).toBe(before);
    const { rows } = await session.query<{ key: string; status_code: number; response: unknown }>(
      `SELECT key, status_code, response FROM idempotency_keys WHERE scope = 'plan' AND key LIKE 'late-%' ORDER BY key`,
    );
    expect(rows).toEqual([
      { key: 'late-1', status_code: 201, response: { key: 'late-1' } },
      { key: 'late-2', status_code: 201, response: { key: 'late-2' } },
    ]);
  });
});

/** Waits (with a deadline) until `waiter`'s backend waits for a lock `holder` holds. */
async function waitUntilBlocked(holder: pg.Client, waiter: pg.Client): Promise<void> {
  const pid = (client: pg.Client) => (client as unknown as { processID: number }).processID;
  await eventually(
    async () => {
      const { rows } = await holder.query<{ blocked: boolean }>('SELECT $1::int = ANY (pg_blocking_pids($2::int)) AS blocked', [
        pid(holder),
        pid(waiter),
      ]);
      return rows[0]!.blocked ? true : undefined;
    },
    10_000,
    'the second append to wait for the first one’s lock',
  );
}
