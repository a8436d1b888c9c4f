/**
 * The `{p}series` table: what every frame of one series shares (instrument id, bar type,
 * price and size precision) and the fixed width its raws are read back at. One row per
 * (data type, identifier): the designated timestamp is always 0, so the table's dedup keys
 * make a re-sent row replace itself.
 */
import type pg from 'pg';
import type { FixedWidth } from '../../model/fixed-point.js';
import type { FrameMeta } from '../../model/frames.js';
import type { Series } from '../../seamless/series.js';
import { queryRows } from './pg-rows.js';
import { sqlInteger } from './sql-values.js';
import { quoted } from './tables.js';

export interface StoredSeries {
  readonly width: FixedWidth;
  readonly meta: FrameMeta;
}

/** The stored description of `series`, or undefined when none of its rows were ever written. */
export async function readStoredSeries(pool: pg.Pool, table: string, series: Series): Promise<StoredSeries | undefined> {
  const rows = await queryRows(
    pool,
    `SELECT instrument_id, bar_type, price_precision, size_precision, width FROM ${quoted(table)} WHERE data_type = $1 AND series = $2 LIMIT 1`,
    [series.dataType, series.identifier],
  );
  const row = rows[0];
  if (!row) return undefined;
  const [instrumentId, barType, pricePrecision, sizePrecision, width] = row;
  // Same key order as the catalog's frames, so stored and fresh metadata compare equal.
  const meta: FrameMeta = {
    instrumentId: instrumentId ?? '',
    pricePrecision: Number(pricePrecision),
    sizePrecision: Number(sizePrecision),
    ...(barType === null || barType === '' ? {} : { barType }),
  };
  return { width: Number(width) === 16 ? 16 : 8, meta };
}

/** Records how `series` is stored (committed, not yet visible: wait for the WAL). */
export async function insertStoredSeries(pool: pg.Pool, table: string, series: Series, stored: StoredSeries): Promise<void> {
  const { meta, width } = stored;
  await queryRows(
    pool,
    `INSERT INTO ${quoted(table)} (ts, data_type, series, instrument_id, bar_type, price_precision, size_precision, width) VALUES (0, $1, $2, $3, $4, ${sqlInteger(meta.pricePrecision)}, ${sqlInteger(meta.sizePrecision)}, ${sqlInteger(width)})`,
    [series.dataType, series.identifier, meta.instrumentId, meta.barType ?? null],
  );
}

/** Why a frame cannot join a series stored as `stored`; undefined when it can. */
export function storedMismatch(stored: StoredSeries, incoming: StoredSeries): string | undefined {
  const a = stored.meta;
  const b = incoming.meta;
  if (stored.width !== incoming.width) return `width ${incoming.width}, but the series is stored at width ${stored.width}`;
  if (a.pricePrecision !== b.pricePrecision || a.sizePrecision !== b.sizePrecision) {
    return `precisions ${b.pricePrecision}/${b.sizePrecision}, but the series is stored with ${a.pricePrecision}/${a.sizePrecision} (price/size)`;
  }
  if (a.instrumentId !== b.instrumentId || (a.barType ?? '') !== (b.barType ?? '')) {
    return `instrument ${b.instrumentId}${b.barType ? ` bar type ${b.barType}` : ''}, but the series is stored as ${a.instrumentId}${a.barType ? ` bar type ${a.barType}` : ''}`;
  }
  return undefined;
}
