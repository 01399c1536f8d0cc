// Gives both event stores a history before they are measured: an empty store plans and caches
// differently (PostgreSQL seq-scans a table of a few thousand streams), and production is never empty.
import pg from 'pg';

async function withClient(url: string, run: (client: pg.Client) => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await run(client);
  } finally {
    await client.end();
  }
}

const DATA = `jsonb_build_object('orderId', gen_random_uuid(), 'dealerId', 'D-1001', 'sku', 'SKU-' || lpad((g % 50000)::text, 6, '0'), 'quantity', 1 + g % 12, 'unitPriceMinor', 5400, 'currency', 'CNY')`;
const METADATA = `jsonb_build_object('actor', 'system:prefill', 'role', 'admin', 'correlationId', gen_random_uuid(), 'causationId', null, 'occurredAt', now(), 'schemaVersion', 1)`;

/** `streams` streams of one event each, written with plain SQL into our tables. */
export async function prefillOurs(url: string, streams: number): Promise<void> {
  await withClient(url, async (client) => {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO es_events (position, stream_id, revision, event_id, type, data, metadata)
       SELECT h.position + g, 'prefill-' || g, 0, gen_random_uuid(), 'BenchOrderLineAdded', ${DATA}, ${METADATA}
         FROM es_head h, generate_series(1, $1::bigint) AS g WHERE h.id = 1`,
      [streams],
    );
    await client.query(`INSERT INTO es_streams (stream_id, revision) SELECT 'prefill-' || g, 0 FROM generate_series(1, $1::bigint) AS g`, [
      streams,
    ]);
    await client.query('UPDATE es_head SET position = position + $1 WHERE id = 1', [streams]);
    await client.query('COMMIT');
    await client.query('VACUUM ANALYZE es_events, es_streams');
  });
}

/** The same history in Emmett's tables (its schema must exist: the writer's first append creates it). */
export async function prefillEmmett(url: string, streams: number): Promise<void> {
  await withClient(url, async (client) => {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO emt_streams (stream_id, stream_position, partition, stream_type, stream_metadata)
       SELECT 'prefill-' || g, 1, 'emt:default', 'prefill', '{}' FROM generate_series(1, $1::bigint) AS g`,
      [streams],
    );
    await client.query(
      `INSERT INTO emt_messages (stream_id, stream_position, partition, message_data, message_metadata, message_schema_version, message_type, message_id, transaction_id)
       SELECT 'prefill-' || g, 1, 'emt:default', ${DATA}, ${METADATA}, '1', 'BenchOrderLineAdded', gen_random_uuid()::text, pg_current_xact_id()
         FROM generate_series(1, $1::bigint) AS g`,
      [streams],
    );
    await client.query('COMMIT');
    await client.query('VACUUM ANALYZE emt_streams, emt_messages');
  });
}
