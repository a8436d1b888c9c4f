/**
 * QuestDB tier benchmark: N quotes (default 1,000,000, 128-bit) through
 * `QuestDbSource.write` into a real QuestDB, beside the ceiling in the same run — the
 * official Node client sending the same rows straight from prepared bigints, no code of
 * ours — and QuestDB's published figure. Then the same rows read back with `fetch`.
 *
 *   node dist/bench/questdb-ingest.js          # starts its own QuestDB (test helper)
 *   BENCH_QDB_ROWS=2000000 BENCH_RUNS=5 node dist/bench/questdb-ingest.js
 *   QUESTDB_HTTP_URL=http://127.0.0.1:9000 QUESTDB_PG_PORT=8812 node dist/bench/questdb-ingest.js
 *
 * Both writers are timed until the rows are visible to queries (WAL applied): that is what
 * `write` guarantees. The raw client is also shown acknowledged-only. Each run writes into
 * fresh tables (its own prefix), so no run deduplicates against another.
 *
 * Published figures, for scale only (other hardware, other data, many connections):
 * - QuestDB README (github.com/questdb/questdb, "Measured on QuestDB 10.0 over QWP"):
 *   peak ingestion per instance 19M rows/sec, from https://questdb.com/blog/qwp-vs-ilp-ingestion-benchmark/
 * - "How we achieved write speeds of 1.4 million rows per second" (QuestDB 6.0, ILP, TSBS),
 *   https://questdb.io/blog/2021/05/10/questdb-release-6-0-tsbs-benchmark/
 */
import { Sender } from '@questdb/nodejs-client';
import { concatFrames, fixedRawAt, type Frame } from '../src/model/frames.js';
import type { Series } from '../src/seamless/series.js';
import { Symbology } from '../src/seamless/symbology.js';
import { QuestDbSource } from '../src/sources/questdb/index.js';
import { type QuestDbServer, startQuestDb } from '../test/helpers/questdb-server.js';
import { formatRate, median } from './measure.js';
import { DAY_START, quoteFrames } from './quote-data.js';

const ROWS = Number(process.env['BENCH_QDB_ROWS'] ?? 1_000_000);
const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);
const BATCH = 50_000;
const PUBLISHED = '19 M rows/s peak per instance (QuestDB 10.0 over QWP, README); 1.4 M rows/s (QuestDB 6.0 ILP, TSBS, 2021)';

interface Endpoint {
  readonly httpUrl: string;
  readonly pgPort: number;
  stop(): Promise<void>;
}

async function endpoint(): Promise<Endpoint> {
  const httpUrl = process.env['QUESTDB_HTTP_URL'];
  if (httpUrl) return { httpUrl, pgPort: Number(process.env['QUESTDB_PG_PORT'] ?? 8812), stop: async () => undefined };
  const server: QuestDbServer = await startQuestDb();
  console.log(`QuestDB 9.3.4 started in ${server.startupMs.toFixed(0)} ms (test helper, -Xmx512m)`);
  return server;
}

/** The rows as the raw client would hold them: plain bigints, converted before timing. */
interface RawRows {
  readonly bid: bigint[];
  readonly ask: bigint[];
  readonly bidSize: bigint[];
  readonly askSize: bigint[];
  readonly tsEvent: BigUint64Array;
  readonly tsInit: BigUint64Array;
}

function rawRows(frame: Frame<'quote_tick'>): RawRows {
  const c = frame.columns;
  const column = (col: typeof c.bid_price) => Array.from({ length: frame.length }, (_, i) => fixedRawAt(col, i));
  return { bid: column(c.bid_price), ask: column(c.ask_price), bidSize: column(c.bid_size), askSize: column(c.ask_size), tsEvent: c.ts_event, tsInit: c.ts_init };
}

async function exec(httpUrl: string, sql: string): Promise<unknown[][]> {
  const response = await fetch(`${httpUrl}/exec?query=${encodeURIComponent(sql)}`);
  const body = (await response.json()) as { dataset?: unknown[][]; error?: string };
  if (!body.dataset) throw new Error(`QuestDB refused ${sql}: ${body.error}`);
  return body.dataset;
}

/** The raw client: same table layout, same batch size, default transport; returns [acked s, visible s]. */
async function rawClient(httpUrl: string, table: string, identifier: string, rows: RawRows): Promise<[number, number]> {
  const url = new URL(httpUrl);
  const sender = await Sender.fromConfig(`http::addr=${url.hostname}:${url.port};protocol_version=3;auto_flush=off;`);
  const started = performance.now();
  for (let i = 0; i < rows.tsInit.length; i++) {
    await sender
      .table(table)
      .symbol('series', identifier)
      .intColumn('seq', 0)
      .decimalColumn('bid_price', rows.bid[i]!, 16)
      .decimalColumn('ask_price', rows.ask[i]!, 16)
      .decimalColumn('bid_size', rows.bidSize[i]!, 16)
      .decimalColumn('ask_size', rows.askSize[i]!, 16)
      .timestampColumn('ts_event', rows.tsEvent[i]!, 'ns')
      .at(rows.tsInit[i]!, 'ns');
    if ((i + 1) % BATCH === 0) await sender.flush();
  }
  await sender.flush();
  const acked = (performance.now() - started) / 1000;
  await sender.close();
  for (;;) {
    const [state] = await exec(httpUrl, `SELECT writerTxn, sequencerTxn FROM wal_tables() WHERE name = '${table}'`);
    if (state && Number(state[0]) >= Number(state[1])) break;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return [acked, (performance.now() - started) / 1000];
}

async function main(): Promise<void> {
  console.log(`QuestDB ingest: ${ROWS.toLocaleString()} quotes (128-bit), batches of ${BATCH.toLocaleString()}, median of ${RUNS} runs, node ${process.version}`);
  const qdb = await endpoint();
  const frame = concatFrames([...quoteFrames(ROWS)]);
  const rows = rawRows(frame);
  const last = frame.columns.ts_init[frame.length - 1]!;
  const range = { start: DAY_START, end: last + 1n };
  const base = new Symbology().series('quote:binance:BTC/USDT');
  const ours: number[] = [];
  const rawAcked: number[] = [];
  const rawVisible: number[] = [];
  const reads: number[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      const series: Series = { ...base, identifier: 'BTCUSDT.BINANCE' };
      const source = new QuestDbSource({ httpUrl: qdb.httpUrl, pgPort: qdb.pgPort, tablePrefix: `bench${run}_`, batchRows: BATCH });
      const raw = new QuestDbSource({ httpUrl: qdb.httpUrl, pgPort: qdb.pgPort, tablePrefix: `raw${run}_` });
      try {
        await raw.coverage(series); // creates the raw run's tables, same DDL
        const [acked, visible] = await rawClient(qdb.httpUrl, raw.tables.quote_tick, series.identifier, rows);
        rawAcked.push(acked);
        rawVisible.push(visible);

        let started = performance.now();
        await source.write(series, range, frame);
        ours.push((performance.now() - started) / 1000);

        started = performance.now();
        const back = await source.fetch(series, range);
        reads.push((performance.now() - started) / 1000);
        if (back?.length !== ROWS) throw new Error(`read back ${back?.length} rows, wrote ${ROWS}`);
        console.log(`run ${run + 1}: ours ${formatRate(ROWS / ours[run]!)}, raw client ${formatRate(ROWS / visible)} visible (${formatRate(ROWS / acked)} acked), read back ${formatRate(ROWS / reads[run]!)}`);
      } finally {
        await source.close();
        await raw.close();
      }
    }
  } finally {
    await qdb.stop();
  }
  const oursRate = ROWS / median(ours);
  const rawRate = ROWS / median(rawVisible);
  console.log('');
  console.log(`write through QuestDbSource (visible):  ${formatRate(oursRate)}`);
  console.log(`raw Node client, same rows (visible):   ${formatRate(rawRate)}  (acked only ${formatRate(ROWS / median(rawAcked))})`);
  console.log(`ours / raw client:                      ${(oursRate / rawRate).toFixed(2)}x`);
  console.log(`QuestDB published:                      ${PUBLISHED}`);
  console.log(`read back through QuestDbSource.fetch:  ${formatRate(ROWS / median(reads))}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
