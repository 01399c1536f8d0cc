// Business days in analytics: every `day` of the analytics facts and views is a day in the
// manufacturer's time zone (BUSINESS_TIME_ZONE), no longer a UTC day, and "today" in the views
// is the business day now. `analytics_calendar` records the time zone the facts are counted in:
// UTC for the facts projected so far. When it differs from the configured zone, the workers start
// the analytics projection over (src/projections/analytics/calendar.ts), which re-buckets every
// fact from the instants the events carry; the views read their "today" in the same zone.
import { sql, type Kysely } from 'kysely';

/** The zone BUSINESS_TIME_ZONE defaults to, for a store with no analytics facts yet. */
const DEFAULT_ZONE = 'Asia/Shanghai';

/** "Now" on a UTC wall clock as the views had it, as PostgreSQL writes it back (`now() AT TIME ZONE 'UTC'::text`, or older: `timezone('UTC'::text, now())`). */
const UTC_NOW = [/now\(\) AT TIME ZONE 'UTC'::text/g, /timezone\('UTC'::text, now\(\)\)/g];
const BUSINESS_ZONE = '(SELECT c.time_zone FROM public.analytics_calendar c)';
const inBusinessZone = (definition: string) =>
  definition.replace(UTC_NOW[0]!, `now() AT TIME ZONE ${BUSINESS_ZONE}`).replace(UTC_NOW[1]!, `timezone(${BUSINESS_ZONE}, now())`);

/** What the views' and columns' comments said about UTC days, and what they say now. */
const COMMENT_CHANGES: [RegExp, string][] = [
  [
    /Days are UTC;/g,
    'Days are business days, in the time zone public.analytics_calendar names (BUSINESS_TIME_ZONE); no session time zone is needed;',
  ],
  [/\bThe UTC day\b/g, 'The business day'],
  [/\b(each|per|the) UTC day\b/g, '$1 business day'],
  [/^UTC day\./, 'Business day (BUSINESS_TIME_ZONE).'],
  [/today, UTC\)/g, 'today, a business day)'],
  [/today \(UTC\)/g, 'today (a business day)'],
  [/Today \(UTC\)/g, 'Today (a business day)'],
  [/today - 29, UTC\)/g, 'today - 29, business days)'],
];

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE analytics_calendar (id int PRIMARY KEY DEFAULT 1 CHECK (id = 1), time_zone text NOT NULL)`.execute(db);
  await sql`
    INSERT INTO analytics_calendar (time_zone)
    SELECT CASE WHEN EXISTS (SELECT 1 FROM projection_checkpoints WHERE name = 'analytics' AND position > 0) THEN 'UTC' ELSE ${DEFAULT_ZONE} END`.execute(
    db,
  );
  await sql`COMMENT ON TABLE analytics_calendar IS 'The time zone the analytics facts count their days in: BUSINESS_TIME_ZONE when the analytics projection last started over.'`.execute(
    db,
  );

  const { rows: views } = await sql<{ name: string; definition: string }>`
    SELECT c.relname AS name, pg_get_viewdef(c.oid) AS definition
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'analytics' AND c.relkind = 'v'`.execute(db);
  for (const view of views) {
    const definition = inBusinessZone(view.definition);
    if (definition !== view.definition)
      await sql`CREATE OR REPLACE VIEW ${sql.id('analytics', view.name)} AS ${sql.raw(definition)}`.execute(db);
  }

  // Analysts' "today" without a session time zone: `(SELECT today FROM analytics.calendar)`.
  await sql`
    CREATE VIEW analytics.calendar AS
    SELECT c.time_zone, (now() AT TIME ZONE c.time_zone)::date AS today FROM public.analytics_calendar c`.execute(db);
  await sql`COMMENT ON VIEW analytics.calendar IS 'The business calendar the views count in: one row.'`.execute(db);
  await sql`COMMENT ON COLUMN analytics.calendar.time_zone IS 'The business time zone (IANA, BUSINESS_TIME_ZONE): every day column is a day in it.'`.execute(
    db,
  );
  await sql`COMMENT ON COLUMN analytics.calendar.today IS 'Today, the business day now: use it instead of current_date, which is a day in the session time zone.'`.execute(
    db,
  );

  const { rows: comments } = await sql<{ target: string; kind: string; comment: string }>`
    SELECT format('%I.%I', n.nspname, c.relname) || coalesce('.' || quote_ident(a.attname), '') AS target,
           CASE WHEN a.attname IS NULL THEN 'VIEW' ELSE 'COLUMN' END AS kind, d.description AS comment
      FROM pg_description d
      JOIN pg_class c ON c.oid = d.objoid AND d.classoid = 'pg_class'::regclass
      JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid AND d.objsubid > 0
     WHERE n.nspname = 'analytics' AND c.relkind = 'v'
    UNION ALL
    SELECT 'analytics', 'SCHEMA', d.description
      FROM pg_description d JOIN pg_namespace n ON n.oid = d.objoid AND d.classoid = 'pg_namespace'::regclass
     WHERE n.nspname = 'analytics'`.execute(db);
  for (const { target, kind, comment } of comments) {
    const changed = COMMENT_CHANGES.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), comment);
    if (changed !== comment) await sql`COMMENT ON ${sql.raw(kind)} ${sql.raw(target)} IS ${sql.lit(changed)}`.execute(db);
  }
}
