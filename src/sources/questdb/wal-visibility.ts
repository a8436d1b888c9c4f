/**
 * Waiting until rows QuestDB acknowledged are visible to queries.
 *
 * WAL tables apply transactions asynchronously: an ILP/HTTP request or an INSERT returns
 * once its transaction is in the table's sequencer, and a query sees it only after the
 * apply job has moved the table's writer past it. QuestDB documents `wal_tables()` for this
 * ("Check transaction applied after ingestion"): `sequencerTxn` is the last transaction
 * committed to the WAL, `writerTxn` the last one visible. Reading `sequencerTxn` after our
 * commits were acknowledged gives a target that includes them; waiting for `writerTxn` to
 * reach it (not for the two to be equal, which other writers could postpone forever) makes
 * our rows visible. A suspended table is an error, not a wait.
 */
import type pg from 'pg';
import { queryRows } from './pg-rows.js';

export interface WalState {
  readonly writerTxn: bigint;
  readonly sequencerTxn: bigint;
  readonly suspended: boolean;
  readonly errorMessage: string;
}

/** Thrown when the table's WAL is suspended or not applied in time. */
export class WalNotAppliedError extends Error {
  override name = 'WalNotAppliedError';
}

export async function walState(pool: pg.Pool, table: string): Promise<WalState> {
  const [row] = await queryRows(pool, 'SELECT writerTxn, sequencerTxn, suspended, errorMessage FROM wal_tables() WHERE name = $1', [table]);
  if (!row) throw new WalNotAppliedError(`table ${table} is not a WAL table (wal_tables() does not list it)`);
  return {
    writerTxn: BigInt(row[0] ?? '0'),
    sequencerTxn: BigInt(row[1] ?? '0'),
    suspended: row[2] === 't' || row[2] === 'true',
    errorMessage: row[3] ?? '',
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Resolves once every transaction committed to `table` so far is visible to queries.
 * Throws WalNotAppliedError when the table is suspended or `timeoutMs` passes first.
 */
export async function waitForWalApplied(pool: pg.Pool, table: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let state = await walState(pool, table);
  const target = state.sequencerTxn;
  for (let delay = 1; state.writerTxn < target; delay = Math.min(delay * 2, 50)) {
    if (state.suspended) {
      throw new WalNotAppliedError(`table ${table} is suspended at writer txn ${state.writerTxn}: ${state.errorMessage || 'no reason given'}; see ALTER TABLE RESUME WAL`);
    }
    if (Date.now() > deadline) {
      throw new WalNotAppliedError(`table ${table} applied txn ${state.writerTxn} of ${target} within ${timeoutMs} ms`);
    }
    await sleep(delay);
    state = await walState(pool, table);
  }
}
