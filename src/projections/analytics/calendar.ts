// The time zone the analytics facts count their days in. Facts carry business days, decided as
// each event is projected; when BUSINESS_TIME_ZONE changes (or on the upgrade from UTC days,
// migration 0050), the facts are emptied and the analytics projection starts over from the first
// event, so every day is counted again in the new zone from the instants the events carry.
import { sql } from 'kysely';
import type { Db } from '../../db/database.ts';
import type { Logger } from 'pino';
import { analyticsProjection } from './projection.ts';

/**
 * Makes the analytics facts count in `timeZone`: nothing to do when they already do; otherwise,
 * in one transaction that holds the projection's checkpoint row (so no page of the live runner
 * commits in between), empties the fact tables, moves the checkpoint back to the start and
 * records the zone. Answers whether it started the projection over.
 */
export async function countAnalyticsDaysIn(db: Db, timeZone: string, logger?: Logger): Promise<boolean> {
  const { name, schema } = analyticsProjection;
  const previous = await db.transaction().execute(async (trx) => {
    await sql`INSERT INTO projection_checkpoints (name) VALUES (${name}) ON CONFLICT (name) DO NOTHING`.execute(trx);
    await sql`SELECT 1 FROM projection_checkpoints WHERE name = ${name} FOR UPDATE`.execute(trx);
    const { rows } = await sql<{ time_zone: string }>`SELECT time_zone FROM analytics_calendar WHERE id = 1 FOR UPDATE`.execute(trx);
    const counted = rows[0]?.time_zone;
    if (counted === timeZone) return counted;
    const { rows: tables } = await sql<{
      name: string;
    }>`SELECT tablename AS name FROM pg_tables WHERE schemaname = ${schema} ORDER BY tablename`.execute(trx);
    if (tables.length > 0) await sql`TRUNCATE ${sql.join(tables.map((table) => sql.id(schema, table.name)))}`.execute(trx);
    await sql`UPDATE projection_checkpoints SET position = 0, updated_at = now() WHERE name = ${name}`.execute(trx);
    await sql`
      INSERT INTO analytics_calendar (id, time_zone) VALUES (1, ${timeZone})
      ON CONFLICT (id) DO UPDATE SET time_zone = excluded.time_zone`.execute(trx);
    return counted ?? null;
  });
  if (previous === timeZone) return false;
  logger?.warn({ from: previous, to: timeZone }, 'analytics facts counted days in another time zone: the analytics projection starts over');
  return true;
}
