// --statements: which SQL statements a unit of work (an order) costs, read from pg_stat_statements, and
// the tables' counters: rows read by sequential scans, rows updated and how many of those were HOT.
import { withClient } from './postgres.ts';
import { formatNumber } from './report.ts';

/** Starts counting afresh (creates the extension in this database the first time). */
export async function resetStatements(url: string): Promise<void> {
  await withClient(url, async (client) => {
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await client.query('SELECT pg_stat_statements_reset()');
    // The tables' scan counters too (this database's), for the sequential scans below.
    await client.query('SELECT pg_stat_reset()');
  });
}

/** The statements run since the reset, most expensive first, as calls and milliseconds per unit. */
export async function statementsPerUnit(url: string, units: number, top = 45): Promise<string[]> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ calls: string; total_ms: number; query: string }>(
      `SELECT calls::text, total_exec_time + total_plan_time AS total_ms, query
         FROM pg_stat_statements
        WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
        ORDER BY total_exec_time + total_plan_time DESC`,
    );
    const calls = rows.reduce((sum, row) => sum + Number(row.calls), 0);
    const ms = rows.reduce((sum, row) => sum + row.total_ms, 0);
    const lines = [
      `  statements per unit: ${formatNumber(calls / units)} calls, ${formatNumber(ms / units)} ms executing (${rows.length} distinct)`,
    ];
    for (const row of rows.slice(0, top)) {
      const query = row.query.replace(/\s+/g, ' ').slice(0, 160);
      lines.push(
        `  ${formatNumber(Number(row.calls) / units).padStart(7)} calls ${formatNumber(row.total_ms / units).padStart(7)} ms  ${query}`,
      );
    }
    // A table read whole, per unit, grows with the table: a plan that should have used a key.
    // (Counters other sessions have not flushed yet, at most their last second or so, are missing.)
    const scans = await client.query<{ name: string; scans: string; rows: string }>(
      `SELECT schemaname || '.' || relname AS name, seq_scan::text AS scans, seq_tup_read::text AS rows
         FROM pg_stat_user_tables WHERE seq_tup_read > 0 ORDER BY seq_tup_read DESC`,
    );
    lines.push(`  tables read by sequential scans, per unit: ${scans.rows.length === 0 ? 'none' : ''}`);
    for (const row of scans.rows) {
      lines.push(
        `  ${formatNumber(Number(row.scans) / units).padStart(7)} scans ${formatNumber(Number(row.rows) / units).padStart(9)} rows  ${row.name}`,
      );
    }
    // An update that is not HOT writes an entry in every index of its table: the heap page had no room
    // for the new version, or the update changed an indexed column.
    const updates = await client.query<{ name: string; updated: string; hot: string }>(
      `SELECT schemaname || '.' || relname AS name, n_tup_upd::text AS updated, n_tup_hot_upd::text AS hot
         FROM pg_stat_user_tables WHERE n_tup_upd > 0 ORDER BY n_tup_upd - n_tup_hot_upd DESC`,
    );
    lines.push(`  rows updated, per unit, and the share of HOT updates: ${updates.rows.length === 0 ? 'none' : ''}`);
    for (const row of updates.rows) {
      const hot = Number(row.hot) / Number(row.updated);
      lines.push(
        `  ${formatNumber(Number(row.updated) / units).padStart(7)} rows ${(100 * hot).toFixed(0).padStart(6)} % HOT  ${row.name}`,
      );
    }
    return lines;
  });
}
