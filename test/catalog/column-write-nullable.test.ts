/**
 * The OPTIONAL / BOOLEAN / BINARY column encoder, read back by hyparquet and by our own
 * reader: random rows with random nulls, every value and the chunk statistics.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import { memorySource } from '../../src/catalog/parquet/byte-source.js';
import type { ColumnInput } from '../../src/catalog/parquet/column-write.js';
import { encodeNullableChunk } from '../../src/catalog/parquet/column-write-nullable.js';
import { CODEC_OF, initCompression } from '../../src/catalog/parquet/compression.js';
import { ParquetFile } from '../../src/catalog/parquet/file-reader.js';
import { type ColumnSpec, ParquetWriter } from '../../src/catalog/parquet/file-writer.js';
import { ConvertedType, PhysicalType } from '../../src/catalog/parquet/format.js';
import { seededRandom } from '../../src/model/seeded-random.js';

const random = seededRandom;

type Value = string | Uint8Array | boolean | number | bigint | null;
interface Column {
  spec: ColumnSpec;
  values: Value[];
  input: ColumnInput;
}

/** Builds one column of `count` rows of a kind, null with probability `nullRate`. */
function column(kind: 'utf8' | 'binary' | 'bool' | 'u8' | 'u64' | 'i64' | 'f64', count: number, nullRate: number, rand: () => number): Column {
  const optional = nullRate > 0;
  const nulls = new Uint8Array(count);
  for (let i = 0; i < count; i++) nulls[i] = rand() < nullRate ? 1 : 0;
  const isNull = (i: number) => nulls[i] === 1;
  const base = { name: kind, dictionary: false, optional } as const;
  const withNulls = <T extends object>(input: T): T => (optional ? { ...input, nulls } : input);
  switch (kind) {
    case 'utf8': {
      const strings = Array.from({ length: count }, (_, i) => (isNull(i) ? '' : `v${Math.floor(rand() * 50)}${i % 5 === 0 ? 'é€' : ''}`));
      return {
        spec: { ...base, physical: PhysicalType.BYTE_ARRAY, width: 0, statsOrder: 'bytes', convertedType: ConvertedType.UTF8, logicalType: { kind: 'string' } },
        values: strings.map((s, i) => (isNull(i) ? null : s)),
        input: withNulls({ kind: 'string', values: strings }),
      };
    }
    case 'binary': {
      const blobs = Array.from({ length: count }, () => Uint8Array.from({ length: Math.floor(rand() * 6) }, () => Math.floor(rand() * 256)));
      return { spec: { ...base, physical: PhysicalType.BYTE_ARRAY, width: 0, statsOrder: 'bytes' }, values: blobs.map((b, i) => (isNull(i) ? null : b)), input: withNulls({ kind: 'binary', values: blobs }) };
    }
    case 'bool': {
      const bits = Uint8Array.from({ length: count }, () => (rand() < 0.3 ? 1 : 0));
      return { spec: { ...base, physical: PhysicalType.BOOLEAN, width: 0, statsOrder: 'unsigned' }, values: [...bits].map((b, i) => (isNull(i) ? null : b === 1)), input: withNulls({ kind: 'boolean', values: bits }) };
    }
    case 'u8': {
      const bytes = new Uint8Array(count * 4);
      const values: Value[] = [];
      for (let i = 0; i < count; i++) {
        const v = Math.floor(rand() * 256);
        bytes[i * 4] = v;
        values.push(isNull(i) ? null : v);
      }
      return {
        spec: { ...base, physical: PhysicalType.INT32, width: 4, statsOrder: 'unsigned', convertedType: ConvertedType.UINT_8, logicalType: { kind: 'integer', bitWidth: 8, signed: false } },
        values,
        input: withNulls({ kind: 'fixed', bytes }),
      };
    }
    case 'u64':
    case 'i64':
    case 'f64': {
      const bytes = new Uint8Array(count * 8);
      const view = new DataView(bytes.buffer);
      const values: Value[] = [];
      for (let i = 0; i < count; i++) {
        if (kind === 'f64') {
          const v = (rand() - 0.5) * 1e6;
          view.setFloat64(i * 8, v, true);
          values.push(isNull(i) ? null : v);
        } else {
          // Values above 2^63 for u64 check the unsigned statistics order.
          const v = kind === 'u64' ? BigInt(Math.floor(rand() * 2 ** 52)) << 12n : BigInt(Math.floor((rand() - 0.5) * 2 ** 52));
          if (kind === 'u64') view.setBigUint64(i * 8, v, true);
          else view.setBigInt64(i * 8, v, true);
          values.push(isNull(i) ? null : v);
        }
      }
      const spec: ColumnSpec =
        kind === 'u64'
          ? { ...base, physical: PhysicalType.INT64, width: 8, statsOrder: 'unsigned', convertedType: ConvertedType.UINT_64, logicalType: { kind: 'integer', bitWidth: 64, signed: false } }
          : { ...base, physical: kind === 'f64' ? PhysicalType.DOUBLE : PhysicalType.INT64, width: 8, statsOrder: 'signed' };
      return { spec, values, input: withNulls({ kind: 'fixed', bytes }) };
    }
  }
}

const KINDS = ['utf8', 'binary', 'bool', 'u8', 'u64', 'i64', 'f64'] as const;

async function writeFile(columns: Column[], count: number, codec: number): Promise<ArrayBuffer> {
  const parts: Uint8Array[] = [];
  const writer = new ParquetWriter({ write: async (b) => void parts.push(b) }, columns.map((c) => c.spec), { codec, keyValue: new Map(), createdBy: 'test' });
  await writer.writeRowGroup(count, columns.map((c) => c.input));
  await writer.close();
  const bytes = Buffer.concat(parts);
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
}

function compareValues(a: Value, b: Value): number {
  if (a instanceof Uint8Array && b instanceof Uint8Array) return Buffer.compare(a, b);
  if (typeof a === 'string' && typeof b === 'string') return Buffer.compare(Buffer.from(a), Buffer.from(b));
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

describe('encodeNullableChunk', () => {
  for (const [count, nullRate, codec] of [
    [1, 0, 'none'],
    [1, 1, 'snappy'],
    [7, 0.5, 'none'],
    [1000, 0.2, 'snappy'],
    [3001, 0.02, 'none'],
    [500, 0, 'snappy'],
  ] as const) {
    test(`${count} rows, null rate ${nullRate}, ${codec}: hyparquet reads back every value and the statistics`, async () => {
      await initCompression();
      const rand = random(count * 31 + Math.round(nullRate * 100));
      const columns = KINDS.map((kind) => column(kind, count, nullRate, rand));
      const file = await writeFile(columns, count, CODEC_OF[codec]);
      const rows = (await parquetReadObjects({ file, utf8: false })) as Record<string, unknown>[];
      assert.equal(rows.length, count);
      for (const c of columns) {
        for (let i = 0; i < count; i++) {
          const got = rows[i]![c.spec.name];
          const want = c.values[i];
          if (want instanceof Uint8Array) assert.deepEqual(Buffer.from(got as Uint8Array), Buffer.from(want), `${c.spec.name}[${i}]`);
          else assert.equal(got ?? null, want, `${c.spec.name}[${i}]`);
        }
        const meta = parquetMetadata(file).row_groups[0]!.columns.find((x) => x.meta_data?.path_in_schema[0] === c.spec.name)!.meta_data!;
        const present = c.values.filter((v) => v !== null);
        assert.equal(Number(meta.statistics?.null_count), count - present.length, `${c.spec.name} null_count`);
        if (present.length > 0) {
          const sorted = [...present].sort(compareValues);
          let [min, max]: unknown[] = [meta.statistics?.min_value, meta.statistics?.max_value];
          if (c.spec.name === 'binary') {
            // hyparquet turns binary statistics into (lossy) UTF-8 text; take the raw footer bytes.
            const raw = (await ParquetFile.open(memorySource(new Uint8Array(file)))).meta.rowGroups[0]!.columns.find((x) => x.path[0] === 'binary')!.statistics!;
            [min, max] = [raw.min, raw.max];
          }
          const norm = (v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v);
          assert.deepEqual(norm(min), norm(sorted[0]), `${c.spec.name} min`);
          assert.deepEqual(norm(max), norm(sorted[sorted.length - 1]), `${c.spec.name} max`);
        }
      }
    });
  }

  test('our own reader decodes the optional string and fixed-width columns with their null masks', async () => {
    await initCompression();
    const rand = random(99);
    const count = 777;
    const columns = (['utf8', 'u64', 'f64'] as const).map((kind) => column(kind, count, 0.3, rand));
    const parquet = await ParquetFile.open(memorySource(new Uint8Array(await writeFile(columns, count, CODEC_OF.snappy))));
    const [strings, u64, f64] = await parquet.readRowGroup(0, [0, 1, 2]);
    assert.ok(strings?.kind === 'string' && u64?.kind === 'fixed' && f64?.kind === 'fixed');
    const u64View = new BigUint64Array(u64.bytes.buffer, u64.bytes.byteOffset, count);
    const f64View = new Float64Array(f64.bytes.buffer, f64.bytes.byteOffset, count);
    for (let i = 0; i < count; i++) {
      assert.equal(strings.nulls?.[i] === 1 ? null : strings.values[i], columns[0]!.values[i]);
      assert.equal(u64.nulls?.[i] === 1 ? null : u64View[i], columns[1]!.values[i]);
      assert.equal(f64.nulls?.[i] === 1 ? null : f64View[i], columns[2]!.values[i]);
    }
  });

  test('refuses nulls in a REQUIRED column and an input that does not fit the physical type', () => {
    const spec = { physical: PhysicalType.BYTE_ARRAY, width: 0, statsOrder: 'bytes' } as const;
    assert.throws(() => encodeNullableChunk({ kind: 'string', values: ['a', 'b'], nulls: Uint8Array.of(0, 1) }, 2, spec, 0), /REQUIRED column cannot hold nulls, was 1 null rows/);
    assert.throws(() => encodeNullableChunk({ kind: 'boolean', values: Uint8Array.of(1) }, 1, spec, 0), RangeError);
  });
});
