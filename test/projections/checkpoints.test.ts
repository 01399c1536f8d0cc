// Checkpoints move compare-and-set; the moves of many subscribers asked for at once share one
// statement, and each still holds or fails on its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointMoved, advanceCheckpoint, moveCheckpoint } from '../../src/db/checkpoints.ts';
import { startTestApp, type TestApp } from '../support/app.ts';

describe('subscriber checkpoints', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({}, { workers: false });
  });
  afterAll(async () => {
    await app.stop();
  });

  const db = () => app.running.infrastructure.db;
  const position = async (table: 'projection_checkpoints' | 'integration.checkpoints', key: string) => {
    const rows =
      table === 'projection_checkpoints'
        ? await db().selectFrom('projection_checkpoints').select('position').where('name', '=', key).execute()
        : await db().selectFrom('integration.checkpoints').select('position').where('adapter', '=', key).execute();
    return rows[0]?.position;
  };

  it('moves those asked for together each from where it was, and refuses only those that were elsewhere', async () => {
    await db()
      .insertInto('projection_checkpoints')
      .values(['cp-a', 'cp-b', 'cp-c'].map((name) => ({ name, position: '10' })))
      .execute();
    await db().insertInto('integration.checkpoints').values({ adapter: 'cp-d', position: '10' }).execute();
    const moves = await Promise.allSettled([
      moveCheckpoint(db(), 'projection', 'cp-a', '10', '20'),
      moveCheckpoint(db(), 'projection', 'cp-b', '9', '20'),
      moveCheckpoint(db(), 'projection', 'cp-c', '10', '30'),
      moveCheckpoint(db(), 'integration', 'cp-d', '10', '40'),
      moveCheckpoint(db(), 'integration', 'cp-missing', '10', '40'),
    ]);
    expect(moves.map((move) => move.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'rejected']);
    for (const move of moves) if (move.status === 'rejected') expect(move.reason).toBeInstanceOf(CheckpointMoved);
    expect([
      await position('projection_checkpoints', 'cp-a'),
      await position('projection_checkpoints', 'cp-b'),
      await position('projection_checkpoints', 'cp-c'),
      await position('integration.checkpoints', 'cp-d'),
    ]).toEqual(['20', '10', '30', '40']);
  });

  it('advances in a transaction only from where it was, and writes nothing of the work when it was elsewhere', async () => {
    await db().insertInto('projection_checkpoints').values({ name: 'cp-e', position: '5' }).execute();
    let worked = 0;
    const stale = db()
      .transaction()
      .execute((trx) => advanceCheckpoint(trx, 'projection', 'cp-e', '4', '8', async () => void worked++));
    await expect(stale).rejects.toBeInstanceOf(CheckpointMoved);
    expect(worked).toBe(0);
    await db()
      .transaction()
      .execute((trx) => advanceCheckpoint(trx, 'projection', 'cp-e', '5', '8', async () => void worked++));
    expect(worked).toBe(1);
    expect(await position('projection_checkpoints', 'cp-e')).toBe('8');
  });
});
