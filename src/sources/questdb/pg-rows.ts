/**
 * The PostgreSQL wire side: a `pg` pool whose every value arrives as the server's text, and
 * one call that runs a statement and returns its rows as arrays.
 *
 * Every column is left as text (no type parsers): LONG and TIMESTAMP_NS become bigints and
 * DECIMAL becomes raws only through our exact parsers, and `pg` builds no Date or number
 * that could round.
 */
import pg from 'pg';
import type { ResolvedQuestDbOptions } from './options.js';

export type TextRow = ReadonlyArray<string | null>;

const TEXT_ONLY = { getTypeParser: () => (value: string) => value };

/** A pool of PostgreSQL wire connections to QuestDB's `qdb` database. */
export function createPool(options: ResolvedQuestDbOptions): pg.Pool {
  const pool = new pg.Pool({
    host: options.host,
    port: options.pgPort,
    user: options.user,
    password: options.password,
    database: 'qdb',
    max: options.poolSize,
    connectionTimeoutMillis: Math.min(options.requestTimeoutMs, 10_000),
    query_timeout: options.requestTimeoutMs,
    idleTimeoutMillis: 30_000,
    types: TEXT_ONLY as unknown as pg.CustomTypesConfig,
  });
  // An idle connection that dies (QuestDB restarted) must not crash the process; the next
  // query opens a fresh one and reports its own error.
  pool.on('error', () => undefined);
  return pool;
}

/** Runs `text` with text bind parameters and returns the rows as arrays of column text. */
export async function queryRows(pool: pg.Pool, text: string, values: readonly (string | null)[] = []): Promise<TextRow[]> {
  const result = await pool.query<(string | null)[]>({ text, values: [...values], rowMode: 'array' });
  return result.rows;
}
