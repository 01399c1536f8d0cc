// Pipelined transactions: the statements whose results nobody reads go with the next one whose
// result is read, in one round trip; a failure of any of them aborts the transaction, writes
// nothing and is the error thrown; a prepared statement lost with a failed pipeline never breaks
// the connection's next transaction.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advanceCheckpoint, asCheckpointMoved, CheckpointMoved } from '../../src/db/checkpoints.ts';
import { createDb, createPool, type Db } from '../../src/db/database.ts';
import { migrateToLatest } from '../../src/db/migrate.ts';
import { createPipelinedDb, heldBack } from '../../src/db/pipeline.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

describe('pipelined transactions', () => {
  let database: TestDatabase;
  let pool: ReturnType<typeof createPool>;
  let db: Db;
  let pipelined: Db;
  /** Round trips: calls of a pool client's query (each is one write, answered by one Sync). */
  let roundTrips = 0;

  beforeAll(async () => {
    database = await createTestDatabase();
    // One connection: every transaction of a test runs on the same client, as a long-lived projection's does.
    pool = createPool(database.url, { max: 1 });
    pool.on('connect', (client) => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as { query: unknown }).query = (...args: unknown[]) => {
        roundTrips++;
        return query(...args);
      };
    });
    db = createDb(pool);
    pipelined = createPipelinedDb(pool);
    await migrateToLatest(db);
    await sql`CREATE TABLE notes (id int PRIMARY KEY, body text NOT NULL CHECK (body <> ''))`.execute(db);
  });
  afterAll(async () => {
    await db.destroy();
    await database.drop();
  });

  const bodies = async () => (await sql<{ id: number; body: string }>`SELECT id, body FROM notes ORDER BY id`.execute(db)).rows;
  const clear = () => sql`TRUNCATE notes`.execute(db);
  const counted = async (work: () => Promise<unknown>) => {
    const before = roundTrips;
    await work();
    return roundTrips - before;
  };

  it('sends BEGIN, the writes that return nothing and COMMIT in one round trip', async () => {
    await clear();
    const trips = await counted(() =>
      pipelined.transaction().execute(async (trx) => {
        await sql`INSERT INTO notes (id, body) VALUES (${1}, ${'一'})`.execute(trx);
        await sql`INSERT INTO notes (id, body) SELECT * FROM json_to_recordset(${JSON.stringify([{ id: 2, body: '二' }])}::json) AS r(id int, body text)`.execute(
          trx,
        );
        await sql`UPDATE notes SET body = ${'壹'} WHERE id = ${1}`.execute(trx);
        await sql`DELETE FROM notes WHERE id = ${3}`.execute(trx);
      }),
    );
    expect(trips).toBe(1);
    expect(await bodies()).toEqual([
      { id: 1, body: '壹' },
      { id: 2, body: '二' },
    ]);
  });

  it('answers a read, and a write with RETURNING, after the writes before it, in their round trip', async () => {
    await clear();
    let seen: unknown[] = [];
    let returned: unknown[] = [];
    const trips = await counted(() =>
      pipelined.transaction().execute(async (trx) => {
        await sql`INSERT INTO notes (id, body) VALUES (${1}, ${'a'}), (${2}, ${'b'})`.execute(trx);
        seen = (await sql<{ id: number }>`SELECT id FROM notes ORDER BY id`.execute(trx)).rows;
        returned = (await sql<{ id: number }>`UPDATE notes SET body = 'c' WHERE id = ${2} RETURNING id`.execute(trx)).rows;
        await sql`INSERT INTO notes (id, body) VALUES (${3}, ${'d'})`.execute(trx);
      }),
    );
    expect(seen).toEqual([{ id: 1 }, { id: 2 }]);
    expect(returned).toEqual([{ id: 2 }]);
    expect(trips).toBe(3);
    expect((await bodies()).map((note) => note.body)).toEqual(['a', 'c', 'd']);
  });

  it('writes nothing when a held-back write fails, throws that write’s own error, and skips the rest', async () => {
    await clear();
    const failing = pipelined.transaction().execute(async (trx) => {
      await sql`INSERT INTO notes (id, body) VALUES (${1}, ${'kept?'})`.execute(trx);
      await sql`INSERT INTO notes (id, body) VALUES (${2}, ${''})`.execute(trx);
      await sql`INSERT INTO notes (id, body) VALUES (${3}, ${'after'})`.execute(trx);
    });
    await expect(failing).rejects.toMatchObject({ code: '23514', constraint: 'notes_body_check' });
    expect(await bodies()).toEqual([]);
    // The connection is fine afterwards.
    await pipelined.transaction().execute((trx) => sql`INSERT INTO notes (id, body) VALUES (${4}, ${'ok'})`.execute(trx));
    expect(await bodies()).toEqual([{ id: 4, body: 'ok' }]);
  });

  it('sends nothing at all for a transaction its code gives up before any read', async () => {
    await clear();
    const before = roundTrips;
    const given = pipelined.transaction().execute(async (trx) => {
      await sql`INSERT INTO notes (id, body) VALUES (${1}, ${'never'})`.execute(trx);
      throw new Error('changed my mind');
    });
    await expect(given).rejects.toThrow('changed my mind');
    expect(roundTrips - before).toBe(0);
    expect(await bodies()).toEqual([]);
  });

  it('rolls the writes back with the checkpoint when it moved (move_checkpoint is sent unread, with them)', async () => {
    await clear();
    await db.insertInto('projection_checkpoints').values({ name: 'pipelined', position: '7' }).execute();
    const stale = pipelined.transaction().execute((trx) =>
      advanceCheckpoint(trx, 'projection', 'pipelined', '6', '9', async () => {
        await sql`INSERT INTO notes (id, body) VALUES (${1}, ${'page'})`.execute(trx);
      }),
    );
    const error = await stale.then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(asCheckpointMoved(error)).toBeInstanceOf(CheckpointMoved);
    expect(await bodies()).toEqual([]);
    const trips = await counted(() =>
      pipelined.transaction().execute((trx) =>
        advanceCheckpoint(trx, 'projection', 'pipelined', '7', '9', async () => {
          await sql`INSERT INTO notes (id, body) VALUES (${1}, ${'page'})`.execute(trx);
        }),
      ),
    );
    expect(trips).toBe(1);
    expect(await bodies()).toEqual([{ id: 1, body: 'page' }]);
    const { position } = await db
      .selectFrom('projection_checkpoints')
      .select('position')
      .where('name', '=', 'pipelined')
      .executeTakeFirstOrThrow();
    expect(position).toBe('9');
  });

  it('keeps the connection usable when a pipeline that prepared a statement fails', async () => {
    await clear();
    // A text is prepared under a name once sent often enough (src/db/database.ts): the pipeline
    // that prepares it fails here on a later statement, so whether the statement exists is unknown.
    const insert = (trx: Db, id: number, body: string) =>
      sql`INSERT INTO notes (id, body) VALUES (${id}, ${body}) ON CONFLICT (id) DO NOTHING`.execute(trx);
    const failures: unknown[] = [];
    for (let i = 1; i <= 40; i++) {
      await pipelined
        .transaction()
        .execute(async (trx) => {
          await insert(trx, i, `n${i}`);
          if (i % 10 === 0) await sql`INSERT INTO notes (id, body) VALUES (${1000 + i}, ${''})`.execute(trx);
        })
        .catch((error: unknown) => failures.push(error));
    }
    expect(failures).toHaveLength(4);
    for (const failure of failures) expect(failure).toMatchObject({ code: '23514' });
    expect((await bodies()).map((note) => note.id)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1).filter((id) => id % 10 !== 0));
  });

  it('holds back only what returns nothing: builder writes without RETURNING, raw writes, never reads', () => {
    const compile = (query: { compile: () => Parameters<typeof heldBack>[0] }) => heldBack(query.compile());
    expect(compile(db.insertInto('projection_checkpoints').values({ name: 'x' }))).toBe(true);
    expect(compile(db.insertInto('projection_checkpoints').values({ name: 'x' }).returning('name'))).toBe(false);
    expect(compile(db.updateTable('projection_checkpoints').set({ status: 'running' }))).toBe(true);
    expect(compile(db.deleteFrom('projection_checkpoints').returning('name'))).toBe(false);
    expect(compile(db.selectFrom('projection_checkpoints').select('name'))).toBe(false);
    expect(heldBack(sql`  insert into notes values (1, 'x')`.compile(db))).toBe(true);
    expect(heldBack(sql`UPDATE notes SET body = 'y' RETURNING id`.compile(db))).toBe(false);
    expect(heldBack(sql`WITH x AS (DELETE FROM notes RETURNING id) SELECT count(*) FROM x`.compile(db))).toBe(false);
    expect(heldBack(sql`SELECT 1`.compile(db))).toBe(false);
  });
});
