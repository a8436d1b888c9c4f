// QuestDB going away mid-write and coming back: the write fails with SEAMLESS_QUESTDB, the
// range is not recorded as covered, and after the restart the same write succeeds with no
// duplicated rows (the batches that landed before the kill are absorbed by dedup).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { concatFrames } from '../../src/model/frames.js';
import { NS_PER_MINUTE, isoToNs } from '../../src/model/time.js';
import { syntheticQuotes } from '../../src/model/synthetic-market.js';
import { SeamlessError } from '../../src/seamless/errors.js';
import type { Series } from '../../src/seamless/series.js';
import { Symbology } from '../../src/seamless/symbology.js';
import type { TimeRange } from '../../src/seamless/time-range.js';
import { QuestDbSource } from '../../src/sources/questdb/index.js';
import { type QuestDbServer, startQuestDb } from '../helpers/questdb-server.js';
import { frameDifference } from '../helpers/random-frames.js';

const DAY0 = isoToNs('2024-01-02T00:00:00Z');
const META = { instrumentId: 'BTCUSDT.BINANCE', pricePrecision: 2, sizePrecision: 6 };
const SERIES: Series = { ...new Symbology().series('quote:binance:BTC/USDT'), identifier: 'OUTAGE.BINANCE' };

function minutes(from: number, to: number): TimeRange {
  return { start: DAY0 + BigInt(from) * NS_PER_MINUTE, end: DAY0 + BigInt(to) * NS_PER_MINUTE };
}

/** A value from QuestDB's REST API (`/exec`), to watch it without going through the source. */
async function restValue(qdb: QuestDbServer, sql: string): Promise<string> {
  const response = await fetch(`${qdb.httpUrl}/exec?query=${encodeURIComponent(sql)}`);
  const body = (await response.json()) as { dataset: unknown[][] };
  return String(body.dataset[0]?.[0]);
}

let qdb: QuestDbServer;
let source: QuestDbSource;

before(async () => {
  qdb = await startQuestDb();
  console.log(`QuestDB started in ${qdb.startupMs.toFixed(0)} ms`);
  source = new QuestDbSource({ httpUrl: qdb.httpUrl, pgPort: qdb.pgPort, batchRows: 2_000, retryTimeoutMs: 500, visibilityTimeoutMs: 10_000 });
});

after(async () => {
  await source?.close();
  await qdb?.stop();
});

test('QuestDB killed mid-write: SEAMLESS_QUESTDB, coverage unchanged; after a restart the same write succeeds without duplicates', async () => {
  const small = syntheticQuotes({ meta: META, start: minutes(0, 1).start, count: 600, stepNs: 100_000_000n });
  await source.write(SERIES, minutes(0, 1), small);
  assert.deepEqual(await source.coverage(SERIES), [minutes(0, 1)]);

  // 240,000 quotes a millisecond apart, sent 2,000 per request.
  const big = syntheticQuotes({ meta: META, start: minutes(1, 1).start, count: 240_000, stepNs: 1_000_000n, seed: 9 });
  const before = BigInt(await restValue(qdb, "SELECT sequencerTxn FROM wal_tables() WHERE name = 'seamless_quotes'"));
  const writing = source.write(SERIES, minutes(1, 5), big);
  const outcome = writing.then(() => 'finished', (error: unknown) => error);
  // Kill as soon as the first batch of this write is committed.
  while (BigInt(await restValue(qdb, "SELECT sequencerTxn FROM wal_tables() WHERE name = 'seamless_quotes'")) === before) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  await qdb.kill();

  const error = await outcome;
  assert.ok(error instanceof SeamlessError, `the write should fail while QuestDB is down, was ${String(error)}`);
  assert.equal(error.code, 'SEAMLESS_QUESTDB');
  assert.match(error.message, /quote:binance:BTC\/USDT .*OUTAGE\.BINANCE.*table seamless_quotes/);
  assert.match(error.message, /check that QuestDB is running.*not recorded as covered/);

  // Down: reads fail the same way, naming the series.
  await assert.rejects(source.coverage(SERIES), (e: unknown) => e instanceof SeamlessError && e.code === 'SEAMLESS_QUESTDB' && /OUTAGE\.BINANCE/.test(e.message));

  await qdb.restart();
  console.log(`QuestDB restarted in ${qdb.startupMs.toFixed(0)} ms`);
  assert.deepEqual(await source.coverage(SERIES), [minutes(0, 1)], 'the failed range is not covered');
  // Some batches landed before the kill (WAL is durable): the retry re-sends them.
  while ((await restValue(qdb, "SELECT count() FROM wal_tables() WHERE name = 'seamless_quotes' AND writerTxn < sequencerTxn")) !== '0') {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const landed = Number(await restValue(qdb, "SELECT count() FROM seamless_quotes WHERE series = 'OUTAGE.BINANCE'")) - small.length;
  assert.ok(landed > 0 && landed < big.length, `the kill came mid-write: ${landed} of ${big.length} rows had landed`);

  // The tight timeouts above make the outage fail fast; a QuestDB that just restarted may
  // take seconds to apply 240,000 rows, so the retry goes through a source with default ones.
  const patient = new QuestDbSource({ httpUrl: qdb.httpUrl, pgPort: qdb.pgPort, batchRows: 2_000 });
  try {
    await patient.write(SERIES, minutes(1, 5), big);
  } finally {
    await patient.close();
  }
  assert.deepEqual(await source.coverage(SERIES), [minutes(0, 5)]);
  const back = await source.fetch(SERIES, minutes(0, 5));
  assert.equal(back?.length, small.length + big.length);
  assert.equal(frameDifference(concatFrames([small, big]), back!), undefined);
});
