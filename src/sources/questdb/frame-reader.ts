/**
 * Reads a series' rows for a `ts_init` window over the PostgreSQL wire, page by page, and
 * builds columnar frames straight from the text rows (typed arrays; no row objects outlive
 * a page).
 *
 * Paging is by time, so each page is one interval scan: ask for `pageRows` rows from the
 * cursor, keep the rows strictly before the last row's `ts`, and start the next page at that
 * `ts`. A page never splits the rows of one instant, so `(ts, seq)` order holds across pages;
 * an instant with more rows than a page is read whole on its own.
 */
import type pg from 'pg';
import { type FixedColumn, allocFrame } from '../../model/frames.js';
import type { SeriesFrame } from '../../seamless/series.js';
import type { TimeRange } from '../../seamless/time-range.js';
import { storeDecimalText } from './decimal-codec.js';
import { type TextRow, queryRows } from './pg-rows.js';
import type { StoredSeries } from './series-meta.js';
import { sqlInteger, sqlNs } from './sql-values.js';
import { DATA_COLUMNS, hasSeq, quoted } from './tables.js';

export interface ReadTarget {
  readonly pool: pg.Pool;
  readonly table: string;
  readonly type: SeriesFrame['type'];
  readonly identifier: string;
  readonly stored: StoredSeries;
}

function selectSql(target: ReadTarget, from: bigint, to: bigint, limit: number | undefined): string {
  const columns = ['cast(ts AS LONG)', 'cast(ts_event AS LONG)', ...DATA_COLUMNS[target.type]].join(', ');
  const order = hasSeq(target.type) ? 'ts, seq' : 'ts';
  const limitSql = limit === undefined ? '' : ` LIMIT ${sqlInteger(limit)}`;
  return `SELECT ${columns} FROM ${quoted(target.table)} WHERE series = $1 AND ts >= ${sqlNs(from)} AND ts < ${sqlNs(to)} ORDER BY ${order}${limitSql}`;
}

/** Builds a frame from rows `[0, count)` of a page (columns as selectSql orders them). */
function buildFrame(target: ReadTarget, rows: readonly TextRow[], count: number): SeriesFrame {
  const { type, stored } = target;
  const frame = allocFrame(type, stored.width, count, stored.meta);
  const columns = frame.columns as unknown as Record<string, FixedColumn | BigUint64Array | Uint8Array | string[]>;
  const tsInit = columns['ts_init'] as BigUint64Array;
  const tsEvent = columns['ts_event'] as BigUint64Array;
  const names = DATA_COLUMNS[type];
  for (let i = 0; i < count; i++) {
    const row = rows[i]!;
    tsInit[i] = BigInt(row[0]!);
    tsEvent[i] = BigInt(row[1]!);
    for (let c = 0; c < names.length; c++) {
      const name = names[c]!;
      const text = row[c + 2] ?? null;
      if (name === 'aggressor_side') (columns[name] as Uint8Array)[i] = Number(text);
      else if (name === 'trade_id') (columns[name] as string[])[i] = text ?? '';
      else storeDecimalText(columns[name] as FixedColumn, i, text);
    }
  }
  return frame;
}

/** Yields the rows of `window` (half-open, in `ts_init`) as frames of at most about `pageRows` rows. */
export async function* readFrames(target: ReadTarget, window: TimeRange, pageRows: number): AsyncGenerator<SeriesFrame> {
  const values = [target.identifier];
  let cursor = window.start;
  while (cursor < window.end) {
    const rows = await queryRows(target.pool, selectSql(target, cursor, window.end, pageRows), values);
    if (rows.length < pageRows) {
      if (rows.length > 0) yield buildFrame(target, rows, rows.length);
      return;
    }
    const lastTs = rows[rows.length - 1]![0]!;
    let keep = rows.length - 1;
    while (keep > 0 && rows[keep - 1]![0] === lastTs) keep--;
    if (keep > 0) {
      yield buildFrame(target, rows, keep);
      cursor = BigInt(lastTs);
    } else {
      // One instant fills the whole page: read that instant alone, without a limit.
      const instant = BigInt(lastTs);
      const all = await queryRows(target.pool, selectSql(target, instant, instant + 1n, undefined), values);
      yield buildFrame(target, all, all.length);
      cursor = instant + 1n;
    }
  }
}
