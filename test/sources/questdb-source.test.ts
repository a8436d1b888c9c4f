// QuestDbSource against a real QuestDB: coverage from the coverage table (merged, durable,
// empty ranges included), the catalog's bar window rule, frames it must refuse, SQL
// injection through identifiers, the reachability probe, and secrets kept out of errors.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Catalog } from '../../src/catalog/catalog.js';
import { type Frame, allocFrame } from '../../src/model/frames.js';
import { NS_PER_MINUTE, isoToNs } from '../../src/model/time.js';
import { syntheticBars, syntheticQuotes } from '../../src/model/synthetic-market.js';
import type { SeamlessError, SeamlessErrorCode } from '../../src/seamless/errors.js';
import type { Series } from '../../src/seamless/series.js';
import { Symbology } from '../../src/seamless/symbology.js';
import type { TimeRange } from '../../src/seamless/time-range.js';
import { CatalogSource } from '../../src/sources/catalog-source.js';
import { QuestDbSource, questDbReachable } from '../../src/sources/questdb/index.js';
import { tempDir } from '../helpers/paths.js';
import { freePort } from '../helpers/ports.js';
import { type QuestDbServer, startQuestDb } from '../helpers/questdb-server.js';
import { frameDifference } from '../helpers/random-frames.js';
import { seamlessError } from '../helpers/seamless-assertions.js';

const DAY0 = isoToNs('2024-01-02T00:00:00Z');
const symbology = new Symbology();
const BARS = symbology.series('ohlcv:binance:BTC/USDT:1m');
const META = { instrumentId: 'BTCUSDT.BINANCE', pricePrecision: 2, sizePrecision: 6 };

function minutes(from: number, to: number): TimeRange {
  return { start: DAY0 + BigInt(from) * NS_PER_MINUTE, end: DAY0 + BigInt(to) * NS_PER_MINUTE };
}

/** A quote series with its own identifier, so tests never share rows. */
function quoteSeries(identifier: string): Series {
  return { ...symbology.series('quote:binance:BTC/USDT'), identifier };
}

/** One quote per second from minute `from` to minute `to`. */
function quotes(from: number, to: number, width: 8 | 16 = 16): Frame<'quote_tick'> {
  return syntheticQuotes({ meta: META, start: minutes(from, to).start, count: (to - from) * 60, stepNs: 1_000_000_000n, width });
}

async function rejectsWith(promise: Promise<unknown>, code: SeamlessErrorCode, pattern?: RegExp): Promise<SeamlessError> {
  let caught: unknown;
  await assert.rejects(promise, (error: unknown) => {
    caught = error;
    return seamlessError(code, ...(pattern ? [pattern] : []))(error);
  });
  return caught as SeamlessError;
}

/**
 * A port nothing listens on. Not one from listen(0): that is in the ephemeral range, so the
 * probe's own outgoing socket can be handed it and connect to itself instead of being refused.
 */
const closedPort = freePort;

let qdb: QuestDbServer;
let source: QuestDbSource;
let catalogDir: { path: string; remove: () => Promise<void> };

before(async () => {
  qdb = await startQuestDb();
  console.log(`QuestDB started in ${qdb.startupMs.toFixed(0)} ms`);
  source = new QuestDbSource({ httpUrl: qdb.httpUrl, pgPort: qdb.pgPort });
  catalogDir = await tempDir();
});

after(async () => {
  await source?.close();
  await qdb?.stop();
  await catalogDir?.remove();
});

describe('QuestDbSource coverage', () => {
  test('coverage is the merged recorded ranges, ranges without rows included, and survives a new instance', async () => {
    const series = quoteSeries('COVER.BINANCE');
    assert.deepEqual(await source.coverage(series), []);
    await source.write(series, minutes(0, 10), quotes(0, 10));
    await source.write(series, minutes(20, 30), quotes(20, 30));
    await source.write(series, minutes(10, 20), undefined); // the venue had nothing there
    await source.write(series, minutes(40, 50), allocFrame('quote_tick', 16, 0, META));
    const expected = [minutes(0, 30), minutes(40, 50)];
    assert.deepEqual(await source.coverage(series), expected);
    assert.equal(await source.fetch(series, minutes(10, 20)), undefined);
    assert.equal(await source.fetch(series, minutes(40, 50)), undefined);
    assert.equal((await source.fetch(series, minutes(0, 30)))?.length, 20 * 60);

    const again = new QuestDbSource({ host: qdb.host, httpPort: qdb.httpPort, pgPort: qdb.pgPort });
    try {
      assert.deepEqual(await again.coverage(series), expected);
      assert.equal(frameDifference(quotes(0, 10), (await again.fetch(series, minutes(0, 10)))!), undefined);
    } finally {
      await again.close();
    }
  });

  test('a series only ever written empty is covered and has no rows', async () => {
    const series = quoteSeries('EMPTY.BINANCE');
    await source.write(series, minutes(0, 60), undefined);
    assert.deepEqual(await source.coverage(series), [minutes(0, 60)]);
    assert.equal(await source.fetch(series, minutes(0, 60)), undefined);
    const pages = [];
    for await (const page of source.stream(series, minutes(0, 60))) pages.push(page);
    assert.equal(pages.length, 0);
  });

  test('an empty or reversed range is SEAMLESS_BAD_RANGE', async () => {
    const series = quoteSeries('RANGE.BINANCE');
    await rejectsWith(source.write(series, minutes(5, 5), undefined), 'SEAMLESS_BAD_RANGE');
    await rejectsWith(source.fetch(series, minutes(6, 5)), 'SEAMLESS_BAD_RANGE');
  });
});

describe('QuestDbSource bars', () => {
  test('bars follow the catalog source window rule: a bar belongs when its close is in [start + step, end]', async () => {
    const bars = syntheticBars({ meta: { ...META, barType: BARS.identifier }, start: minutes(1, 1).start, count: 120, stepNs: NS_PER_MINUTE });
    const catalog = new CatalogSource(await Catalog.open(catalogDir.path, { width: 16 }));
    await source.write(BARS, minutes(0, 120), bars);
    await catalog.write(BARS, minutes(0, 120), bars);

    const inside = await source.fetch(BARS, minutes(10, 20));
    assert.equal(inside?.length, 10);
    assert.equal(inside.columns.ts_init[0], minutes(11, 11).start);
    assert.equal(inside.columns.ts_init[9], minutes(20, 20).start);

    const half = 30_000_000_000n;
    const ranges: TimeRange[] = [
      minutes(0, 120), minutes(10, 20), minutes(10, 11), minutes(119, 200), minutes(120, 200), minutes(0, 1),
      { start: minutes(10, 10).start + half, end: minutes(20, 20).start + half },
      { start: minutes(10, 10).start, end: minutes(11, 11).start - 1n },
    ];
    for (const range of ranges) {
      const ours = await source.fetch(BARS, range);
      const theirs = await catalog.fetch(BARS, range);
      assert.equal(ours?.length, theirs?.length, `row count for [${range.start}, ${range.end})`);
      if (ours && theirs) assert.equal(frameDifference(ours, theirs), undefined);
    }
    assert.deepEqual(await source.coverage(BARS), await catalog.coverage(BARS));
    assert.deepEqual(await source.coverage(BARS), [minutes(0, 120)]);
  });
});

describe('QuestDbSource refuses what it cannot store faithfully', () => {
  test('a frame whose width or precision differs from the stored series is refused, and nothing is recorded', async () => {
    const series = quoteSeries('MISMATCH.BINANCE');
    await source.write(series, minutes(0, 1), quotes(0, 1, 16));
    await rejectsWith(source.write(series, minutes(1, 2), quotes(1, 2, 8)), 'SEAMLESS_QUESTDB', /MISMATCH\.BINANCE.*width 8, but the series is stored at width 16/);
    const otherPrecision = syntheticQuotes({ meta: { ...META, pricePrecision: 4 }, start: minutes(2, 2).start, count: 60, stepNs: 1_000_000_000n });
    await rejectsWith(source.write(series, minutes(2, 3), otherPrecision), 'SEAMLESS_QUESTDB', /precisions 4\/6/);
    assert.deepEqual(await source.coverage(series), [minutes(0, 1)]);
  });

  test('unsorted frames and frames of another type are refused', async () => {
    const series = quoteSeries('UNSORTED.BINANCE');
    const frame = quotes(0, 1);
    frame.columns.ts_init[5] = frame.columns.ts_init[4]! - 1n;
    await rejectsWith(source.write(series, minutes(0, 1), frame), 'SEAMLESS_QUESTDB', /not sorted by ts_init at row 5/);
    await rejectsWith(source.write(BARS, minutes(0, 1), quotes(0, 1)), 'SEAMLESS_QUESTDB', /holds quote_tick rows, not bar/);
    assert.deepEqual(await source.coverage(series), []);
  });
});

describe('QuestDbSource and hostile names', () => {
  test('identifiers travel as parameters: SQL in them is stored as text and runs nowhere', async () => {
    const hostile = [
      `X'); DROP TABLE "seamless_quotes"; --`,
      `"; DELETE FROM seamless_coverage; --`,
      `$1 OR 1=1`,
      'spaces, commas=equals\\backslash\nnewline',
    ];
    for (const [i, identifier] of hostile.entries()) {
      const series = quoteSeries(identifier);
      const frame = quotes(i, i + 1);
      await source.write(series, minutes(i, i + 1), frame);
      assert.equal(frameDifference(frame, (await source.fetch(series, minutes(0, 10)))!), undefined, identifier);
      assert.deepEqual(await source.coverage(series), [minutes(i, i + 1)], identifier);
    }
    // Everything else is intact.
    assert.deepEqual(await source.coverage(quoteSeries('EMPTY.BINANCE')), [minutes(0, 60)]);
  });

  test('a table prefix that is not a plain name is refused up front', () => {
    for (const tablePrefix of ['x"; DROP TABLE seamless_bars; --', 'has space', '1starts_with_digit', '']) {
      assert.throws(() => new QuestDbSource({ tablePrefix }), seamlessError('SEAMLESS_BAD_CONFIG'));
    }
  });

  test('another table prefix is another, independent store', async () => {
    const other = new QuestDbSource({ httpUrl: qdb.httpUrl, pgPort: qdb.pgPort, tablePrefix: 'other_' });
    try {
      const series = quoteSeries('COVER.BINANCE');
      assert.deepEqual(await other.coverage(series), []);
      assert.equal(other.tables.quote_tick, 'other_quotes');
    } finally {
      await other.close();
    }
  });
});

describe('QuestDB reachability and errors', () => {
  test('questDbReachable answers ok with the version, and says what is wrong otherwise', async () => {
    assert.deepEqual(await questDbReachable({ httpUrl: qdb.httpUrl, pgPort: qdb.pgPort }), { ok: true, version: '9.3.4' });
    const port = await closedPort();
    const down = await questDbReachable({ httpPort: port, pgPort: port }, 500);
    assert.equal(down.ok, false);
    assert.ok(!down.ok && /QuestDB HTTP at http:\/\/127\.0\.0\.1:\d+/.test(down.problem), JSON.stringify(down));
  });

  test('an unreachable QuestDB is SEAMLESS_QUESTDB naming the series, the table and what to do', async () => {
    const port = await closedPort();
    const nowhere = new QuestDbSource({ httpPort: port, pgPort: port, retryTimeoutMs: 200 });
    try {
      const series = quoteSeries('NOWHERE.BINANCE');
      await rejectsWith(nowhere.coverage(series), 'SEAMLESS_QUESTDB', /quote:binance:BTC\/USDT .*NOWHERE\.BINANCE.*check that QuestDB is running/);
      await rejectsWith(nowhere.write(series, minutes(0, 1), quotes(0, 1)), 'SEAMLESS_QUESTDB', /not recorded as covered/);
    } finally {
      await nowhere.close();
    }
  });

  test('the password never appears in an error or a probe answer', async () => {
    const password = 'hunter2-Very-Secret';
    const wrong = new QuestDbSource({ httpUrl: qdb.httpUrl, pgPort: qdb.pgPort, password, httpAuth: true });
    try {
      const series = quoteSeries('SECRET.BINANCE');
      for (const attempt of [wrong.coverage(series), wrong.write(series, minutes(0, 1), quotes(0, 1)), wrong.fetch(series, minutes(0, 1))]) {
        const error = await rejectsWith(attempt, 'SEAMLESS_QUESTDB');
        assert.ok(!error.message.includes(password), error.message);
        assert.ok(!JSON.stringify(error.details).includes(password));
        assert.ok(!String((error.cause as Error | undefined)?.message ?? '').includes(password));
      }
    } finally {
      await wrong.close();
    }
    const probe = await questDbReachable({ httpUrl: qdb.httpUrl, pgPort: qdb.pgPort, password });
    assert.equal(probe.ok, false);
    assert.ok(!JSON.stringify(probe).includes(password));
  });
});
