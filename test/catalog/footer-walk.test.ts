/**
 * The WebAssembly row-group walker is a fast path for the JavaScript one: for every footer
 * it accepts, what readers see must be identical (row counts, column metadata, statistics
 * words), and where it gives up the JavaScript walker decides. Checked on real files, on
 * random footers with odd but valid Thrift (unknown fields of every type, long-form field
 * ids, deprecated statistics) and on mutated bytes.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeFileMeta } from '../../src/catalog/parquet/footer-read.js';
import { footerWalkerAvailable, walkRowGroupsFast } from '../../src/catalog/parquet/footer-walk-wasm.js';
import type { FileMeta } from '../../src/catalog/parquet/format.js';
import { statisticsAreChained } from '../../src/catalog/parquet/statistics-chain.js';
import { ThriftCursor } from '../../src/catalog/parquet/thrift-read.js';
import { ThriftWriter } from '../../src/catalog/parquet/thrift.js';
import { FIXTURES } from '../helpers/paths.js';
import { fixtureFiles, ownWriterFiles } from '../helpers/sample-files.js';

function footerOf(file: Uint8Array): Uint8Array {
  const length = new DataView(file.buffer, file.byteOffset, file.byteLength).getUint32(file.length - 8, true);
  return file.subarray(file.length - 8 - length, file.length - 8);
}

/** Everything a reader takes from a decoded footer, or the error it gets. */
function readerView(footer: Uint8Array, fastWalk: boolean): unknown {
  const attempt = (f: () => unknown): unknown => {
    try {
      return f();
    } catch (error) {
      return `throws ${(error as Error).message}`;
    }
  };
  let meta: FileMeta;
  try {
    meta = decodeFileMeta(footer, { fastWalk });
  } catch (error) {
    return `throws ${(error as Error).message}`;
  }
  const leaves = Math.max(1, meta.schema.length - 1);
  return {
    groups: meta.rowGroups.map((g, i) => ({
      numRows: g.numRows,
      totalByteSize: g.totalByteSize,
      columns: attempt(() => JSON.stringify(g.columns)),
      statistics: attempt(() => JSON.stringify(Array.from({ length: leaves + 1 }, (_, c) => g.columnStatistics?.(c)))),
      index: i,
    })),
    words: Array.from({ length: leaves + 1 }, (_, c) => attempt(() => statisticsView(meta, c, 0, meta.rowGroups.length))),
    chained: Array.from({ length: leaves + 1 }, (_, c) => attempt(() => chainedOf(meta, c))),
    // A range that starts past the first group checks where the stride layout starts.
    wordsFromSecond: Array.from({ length: leaves + 1 }, (_, c) => attempt(() => statisticsView(meta, c, Math.min(1, meta.rowGroups.length), meta.rowGroups.length))),
  };
}

/** One column's statistics words over row groups [from, to), one entry per group, whatever layout the reader hands out. */
function statisticsView(meta: FileMeta, column: number, from: number, to: number): string {
  const { words, present, first, stride } = meta.statisticsWords!(column, from, to);
  const groups: string[] = [];
  for (let g = 0, k = first; g < to - from; g++, k += stride) groups.push(present[k] ? Array.from(words.subarray(4 * k, 4 * k + 4)).join(':') : '-');
  return groups.join();
}

/** Whether a column's statistics are chained, as a reader decides it: the walker's answer, else the loop's. */
function chainedOf(meta: FileMeta, column: number): boolean {
  const groups = meta.rowGroupRows?.length ?? meta.rowGroups.length;
  return meta.statisticsChained?.(column) ?? statisticsAreChained(meta.statisticsWords!(column, 0, groups), groups);
}

/** Where FileMetaData's row group list (field 4) starts, and its length. */
function rowGroupList(footer: Uint8Array): { at: number; count: number } {
  const c = new ThriftCursor(footer);
  c.enter();
  for (let id = c.nextField(); id !== 0; id = c.nextField()) {
    if (id === 4) {
      const { size } = c.list();
      return { at: c.offset, count: size };
    }
    c.skip();
  }
  throw new Error('no row group list');
}

function assertSameView(footer: Uint8Array, label: string): void {
  assert.deepEqual(readerView(footer, true), readerView(footer, false), label);
}

/** Random Thrift values of every type the compact protocol has (no maps: Parquet footers have none). */
type Extra = { id: number; kind: 'i32' | 'i64' | 'i8' | 'bool' | 'binary' | 'struct' | 'structList' | 'i32List'; value: number | bigint | boolean | Uint8Array };
const extraArb: fc.Arbitrary<Extra> = fc.oneof(
  fc.record({ id: fc.integer({ min: 13, max: 300 }), kind: fc.constant('i32' as const), value: fc.integer() }),
  fc.record({ id: fc.integer({ min: 13, max: 300 }), kind: fc.constant('i64' as const), value: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }) }),
  fc.record({ id: fc.integer({ min: 13, max: 300 }), kind: fc.constant('i8' as const), value: fc.integer({ min: -128, max: 127 }) }),
  fc.record({ id: fc.integer({ min: 13, max: 300 }), kind: fc.constant('bool' as const), value: fc.boolean() }),
  fc.record({ id: fc.integer({ min: 13, max: 300 }), kind: fc.constant('binary' as const), value: fc.uint8Array({ maxLength: 300 }) }),
  fc.record({ id: fc.integer({ min: 13, max: 300 }), kind: fc.constant('struct' as const), value: fc.integer({ min: 0, max: 3 }) }),
  fc.record({ id: fc.integer({ min: 13, max: 300 }), kind: fc.constant('structList' as const), value: fc.integer({ min: 0, max: 20 }) }),
  fc.record({ id: fc.integer({ min: 13, max: 300 }), kind: fc.constant('i32List' as const), value: fc.integer({ min: 0, max: 20 }) }),
);

function writeExtra(w: ThriftWriter, e: Extra): void {
  switch (e.kind) {
    case 'i32': return w.i32(e.id, e.value as number);
    case 'i64': return w.i64(e.id, e.value as bigint);
    case 'i8': return w.i8(e.id, e.value as number);
    case 'bool': return w.bool(e.id, e.value as boolean);
    case 'binary': return w.binary(e.id, e.value as Uint8Array);
    case 'struct': // with a field 12 struct that looks like statistics: only ColumnMetaData's counts
      return w.struct(e.id, () => {
        for (let i = 0; i < (e.value as number); i++) w.i32(i + 1, i * 1000);
        w.struct(12, () => {
          w.binary(5, Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8));
          w.binary(6, Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 1));
        });
      });
    case 'structList': return w.structList(e.id, Array.from({ length: e.value as number }, (_, i) => i), (i) => { w.i32(1, i); w.bool(2, i % 2 === 0); w.i64(3, 2 ** 40 + i); });
    case 'i32List': return w.i32List(e.id, Array.from({ length: e.value as number }, (_, i) => i * 99_991));
  }
}

const statsArb = fc.record({
  nullCount: fc.option(fc.integer({ min: 0, max: 1 << 30 }), { nil: undefined }),
  min: fc.option(fc.uint8Array({ minLength: 0, maxLength: 17 }), { nil: undefined }),
  max: fc.option(fc.uint8Array({ minLength: 0, maxLength: 17 }), { nil: undefined }),
  deprecatedMin: fc.option(fc.uint8Array({ minLength: 0, maxLength: 17 }), { nil: undefined }),
  deprecatedMax: fc.option(fc.uint8Array({ minLength: 0, maxLength: 17 }), { nil: undefined }),
  extras: fc.array(extraArb, { maxLength: 2 }),
  distinct: fc.option(fc.integer({ min: 0, max: 1 << 20 }), { nil: undefined }),
});
const chunkArb = fc.record({
  offset: fc.integer({ min: 4, max: 2 ** 45 }),
  size: fc.integer({ min: 0, max: 1 << 24 }),
  stats: fc.option(statsArb, { nil: undefined }),
  encodingStats: fc.integer({ min: 0, max: 4 }),
  chunkExtras: fc.array(extraArb, { maxLength: 2 }),
  metaExtras: fc.array(extraArb, { maxLength: 2 }),
});
const groupArb = fc.record({
  numRows: fc.integer({ min: 0, max: 1 << 23 }),
  totalByteSize: fc.integer({ min: 0, max: 2 ** 40 }),
  chunks: fc.array(chunkArb, { minLength: 1, maxLength: 4 }),
  extras: fc.array(extraArb, { maxLength: 2 }),
  numRowsFirst: fc.boolean(),
});

type RandomGroup = typeof groupArb extends fc.Arbitrary<infer T> ? T : never;

/** A footer with `leaves` INT64 columns and the given row groups, in field orders and shapes no writer of ours uses. */
function encodeFooter(leaves: number, groups: RandomGroup[]): Uint8Array {
  const w = new ThriftWriter();
  w.beginStruct();
  w.i32(1, 2);
  w.structList(2, [-1, ...Array.from({ length: leaves }, (_, i) => i)], (i) => {
    if (i >= 0) w.i32(1, 2);
    w.string(4, i < 0 ? 'schema' : `c${i}`);
    if (i < 0) w.i32(5, leaves);
  });
  w.i64(3, groups.reduce((n, g) => n + g.numRows, 0));
  w.structList(4, groups, (g) => {
    const sizes = () => {
      w.i64(2, g.totalByteSize);
      w.i64(3, g.numRows);
    };
    if (g.numRowsFirst) sizes();
    w.structList(1, g.chunks, (c) => {
      w.i64(2, c.offset);
      w.struct(3, () => {
        w.i32(1, 2);
        w.i32List(2, [0, 3, 8]);
        w.stringList(3, ['c']);
        w.i32(4, 1);
        w.i64(5, 5000);
        w.i64(6, c.size);
        w.i64(7, c.size);
        w.i64(9, c.offset);
        if (c.stats) {
          const s = c.stats;
          w.struct(12, () => {
            if (s.deprecatedMax) w.binary(1, s.deprecatedMax);
            if (s.deprecatedMin) w.binary(2, s.deprecatedMin);
            if (s.nullCount !== undefined) w.i64(3, s.nullCount);
            if (s.distinct !== undefined) w.i64(4, s.distinct);
            if (s.max) w.binary(5, s.max);
            if (s.min) w.binary(6, s.min);
            for (const e of s.extras) writeExtra(w, e);
          });
        }
        w.structList(13, Array.from({ length: c.encodingStats }, (_, i) => i), (i) => {
          w.i32(1, i % 3);
          w.i32(2, i);
          w.i32(3, 17 * i);
        });
        for (const e of c.metaExtras) writeExtra(w, e);
      });
      for (const e of c.chunkExtras) writeExtra(w, e);
    });
    if (!g.numRowsFirst) sizes();
    for (const e of g.extras) writeExtra(w, e);
  });
  w.endStruct();
  return w.finish().slice();
}

describe('WebAssembly footer walker', () => {
  it('is built and loads', () => {
    assert.equal(footerWalkerAvailable(), true, 'kernels.wasm is missing from the build: run `npm run build`');
  });

  it('walks every fixture and every file of our writer, and readers see exactly what the JavaScript walker gives them', async () => {
    const files = [...fixtureFiles(), ...(await ownWriterFiles({ seed: 7, rows: 12_000 }))];
    for (const { name, bytes } of files) {
      const footer = footerOf(bytes);
      const { at, count } = rowGroupList(footer);
      assert.ok(walkRowGroupsFast(footer, at, count, count * 64), `${name}: the fast walker gave up on a real file`);
      assertSameView(footer, name);
    }
  });

  it('agrees with the JavaScript walker on random footers with unusual but valid Thrift', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.array(groupArb, { minLength: 0, maxLength: 12 }), (leaves, groups) => {
        const footer = encodeFooter(leaves, groups);
        const { at, count } = rowGroupList(footer);
        const capacity = count * leaves;
        const tooWide = groups.some((g) => g.chunks.length > leaves);
        // It must not give up on valid footers that fit the schema (that would hide it from this test).
        const walked = walkRowGroupsFast(footer, at, count, capacity);
        if (!tooWide) assert.ok(walked, 'the fast walker gave up on a valid footer');
        if (walked) {
          // Pruning reads one column's words at a fixed stride only when every group has the same columns.
          const counts = new Set(groups.map((g) => g.chunks.length));
          assert.equal(walked.uniformColumns, counts.size === 1 ? [...counts][0] : -1, 'uniformColumns');
        }
        assertSameView(footer, 'random footer');
      }),
      { numRuns: 400 },
    );
  });

  it('finds chained statistics (sorted files) exactly as the JavaScript loop does', () => {
    const le = (v: bigint) => new Uint8Array(BigUint64Array.of(v).buffer);
    const u64 = fc.oneof(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.bigInt({ min: 0n, max: 50n }));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3 }), fc.array(fc.array(u64, { minLength: 2, maxLength: 2 }), { minLength: 1, maxLength: 10 }), fc.boolean(), fc.nat(), (leaves, pairs, sort, edit) => {
        // Per column: one range per row group, from values sorted (a chain) or as drawn.
        const values = pairs.flat();
        if (sort) values.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        const ranges = pairs.map((_, g) => ({ min: values[2 * g]!, max: values[2 * g + 1]! }));
        const column = edit % leaves;
        const oddLength = edit % 7 === 0; // a 9-byte max: not 8-byte statistics, so no chain
        const groups: RandomGroup[] = ranges.map(({ min, max }, g) => ({
          numRows: 10,
          totalByteSize: 100,
          numRowsFirst: false,
          extras: [],
          chunks: Array.from({ length: leaves }, (_, c) => ({
            offset: 4 + g * 1000 + c * 100,
            size: 100,
            encodingStats: 0,
            chunkExtras: [],
            metaExtras: [],
            stats: { min: le(min), max: oddLength && c === column && g === ranges.length - 1 ? Uint8Array.of(...le(max), 0) : le(max), extras: [], nullCount: undefined, distinct: undefined, deprecatedMin: undefined, deprecatedMax: undefined },
          })),
        }));
        const footer = encodeFooter(leaves, groups);
        const chained = !oddLength && ranges.every((r, g) => r.min <= r.max && (g === 0 || ranges[g - 1]!.max <= r.min));
        // The walker itself answers for these footers (every group has the same INT64 columns).
        assert.equal(decodeFileMeta(footer).statisticsChained!(column), chained, `column ${column}`);
        assertSameView(footer, 'chained statistics');
      }),
      { numRuns: 300 },
    );
  });

  it('on mutated footers, either agrees or leaves the decision to the JavaScript walker', async () => {
    const originals = ['quotes.parquet', 'deltas.parquet', 'bars.parquet'].map((name) => footerOf(readFileSync(join(FIXTURES, '128-bit', name))));
    fc.assert(
      fc.property(fc.nat(originals.length - 1), fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), (which, edits) => {
        const footer = Uint8Array.from(originals[which]!);
        for (const [where, value] of edits) footer[Math.min(footer.length - 1, Math.floor(where * footer.length))] = value;
        assertSameView(footer, 'mutated footer');
      }),
      { numRuns: 600 },
    );
  });
});
