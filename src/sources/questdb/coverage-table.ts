/**
 * The `{p}coverage` table: the half-open ranges `[start_ns, end_ns)` each write recorded as
 * covered, one row per write. Coverage is read from here only, never by scanning data
 * tables. Re-recording the same range adds nothing (dedup on start, series and end).
 */
import type pg from 'pg';
import type { Series } from '../../seamless/series.js';
import type { TimeRange } from '../../seamless/time-range.js';
import { queryRows } from './pg-rows.js';
import { sqlInteger, sqlNs } from './sql-values.js';
import { quoted } from './tables.js';

/** The recorded ranges of `series`, unmerged, in no particular order. */
export async function readCoverage(pool: pg.Pool, table: string, series: Series): Promise<TimeRange[]> {
  const rows = await queryRows(pool, `SELECT start_ns, end_ns FROM ${quoted(table)} WHERE data_type = $1 AND series = $2`, [series.dataType, series.identifier]);
  return rows.map(([start, end]) => ({ start: BigInt(start ?? '0'), end: BigInt(end ?? '0') }));
}

/** Records `range` as covered (committed, not yet visible: wait for the WAL). */
export async function insertCoverage(pool: pg.Pool, table: string, series: Series, range: TimeRange): Promise<void> {
  await queryRows(
    pool,
    `INSERT INTO ${quoted(table)} (ts, data_type, series, start_ns, end_ns) VALUES (${sqlNs(range.start)}, $1, $2, ${sqlInteger(range.start)}, ${sqlInteger(range.end)})`,
    [series.dataType, series.identifier],
  );
}
