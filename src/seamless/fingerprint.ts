/**
 * Content fingerprints of a series' rows: `sha256:<hex>` over canonical bytes, so equal data
 * gets one fingerprint however it was fetched, cached or chunked.
 *
 * Design (chunking-independent): one SHA-256 per column, fed that column's canonical bytes
 * frame after frame, so each column digest sees exactly the bytes of the concatenated
 * column. The final digest covers a version tag, a JSON header (series identity, width,
 * precisions, column names) and the column digests in FRAME_FIELDS order. Hashing columns
 * one after another across frames would not work: frame boundaries would change the order.
 *
 * Canonical column bytes: u64 as little-endian 8-byte values, fixed columns as their raw
 * little-endian bytes, u8 as bytes, utf8 as (u32 LE byte length, UTF-8 bytes) per value.
 */
import { type Hash, createHash } from 'node:crypto';
import type { FixedWidth } from '../model/fixed-point.js';
import { type ColumnKind, type FixedColumn, type Frame, type FrameMeta, fieldsOf } from '../model/frames.js';
import type { Series } from './series.js';

/** Bumped whenever the canonical bytes change, so old and new fingerprints never collide. */
const VERSION_TAG = 'seamless-dataset-fingerprint/v1\n';
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Scratch size for batching utf8 values into few `update` calls. */
const SCRATCH_BYTES = 64 * 1024;

/** Returns the fingerprint of a series' rows (`frame` undefined: no rows, no width known). */
export function datasetFingerprint(series: Series, frame: Frame | undefined): string {
  const builder = new FingerprintBuilder(series);
  if (frame) builder.add(frame);
  return builder.digest();
}

/** Incremental fingerprint: `add` frames in row order, then `digest` once. */
export class FingerprintBuilder {
  private readonly fields: ReadonlyArray<readonly [string, ColumnKind]>;
  private readonly hashes: Hash[];
  private width: FixedWidth | undefined;
  private meta: FrameMeta | undefined;
  private scratch: Buffer | undefined;
  private done = false;

  constructor(private readonly series: Series) {
    this.fields = fieldsOf(series.dataType);
    this.hashes = this.fields.map(() => createHash('sha256'));
  }

  /** Adds a frame's rows; the first frame (even an empty one) fixes width and precisions. */
  add(frame: Frame): this {
    if (this.done) throw new Error('FingerprintBuilder.add after digest; make a new builder');
    this.checkFrame(frame);
    const columns = frame.columns as unknown as Record<string, unknown>;
    this.fields.forEach(([name, kind], i) => this.hashColumn(this.hashes[i]!, kind, columns[name]));
    return this;
  }

  /** Returns `sha256:<hex>`; the builder cannot be used afterwards. */
  digest(): string {
    if (this.done) throw new Error('FingerprintBuilder.digest called twice; make a new builder');
    this.done = true;
    const header = JSON.stringify({
      nodeId: this.series.nodeId,
      dataType: this.series.dataType,
      identifier: this.series.identifier,
      width: this.width ?? null,
      pricePrecision: this.meta?.pricePrecision ?? null,
      sizePrecision: this.meta?.sizePrecision ?? null,
      columns: this.fields.map(([name]) => name),
    });
    const final = createHash('sha256').update(VERSION_TAG, 'utf8').update(header, 'utf8').update('\n', 'utf8');
    for (const hash of this.hashes) final.update(hash.digest());
    return `sha256:${final.digest('hex')}`;
  }

  private checkFrame(frame: Frame): void {
    // Mixed frames mean a caller bug; a fingerprint over them would describe no real dataset.
    if (frame.type !== this.series.dataType) throw new RangeError(`cannot fingerprint ${frame.type} rows for ${this.series.nodeId}, a ${this.series.dataType} series`);
    if (this.width === undefined || this.meta === undefined) {
      this.width = frame.width;
      this.meta = frame.meta;
      return;
    }
    if (frame.width !== this.width) throw new RangeError(`cannot fingerprint ${frame.width * 8}-bit rows after ${this.width * 8}-bit rows; convert the frames to one width first`);
    if (frame.meta.pricePrecision !== this.meta.pricePrecision || frame.meta.sizePrecision !== this.meta.sizePrecision) {
      throw new RangeError(`cannot fingerprint frames with different precisions (${JSON.stringify(frame.meta)} after ${JSON.stringify(this.meta)})`);
    }
  }

  private hashColumn(hash: Hash, kind: ColumnKind, data: unknown): void {
    switch (kind) {
      case 'price':
      case 'quantity':
        hash.update((data as FixedColumn).bytes);
        return;
      case 'u64':
        hash.update(u64LittleEndian(data as BigUint64Array));
        return;
      case 'u8':
        hash.update(data as Uint8Array);
        return;
      case 'utf8':
        this.hashStrings(hash, data as readonly string[]);
        return;
    }
  }

  /** Length-prefixed UTF-8, batched through a scratch buffer so there is no buffer per value. */
  private hashStrings(hash: Hash, values: readonly string[]): void {
    const scratch = (this.scratch ??= Buffer.allocUnsafe(SCRATCH_BYTES));
    let used = 0;
    for (const value of values) {
      const length = Buffer.byteLength(value, 'utf8');
      if (used + 4 + length > scratch.length) {
        hash.update(scratch.subarray(0, used));
        used = 0;
      }
      if (4 + length > scratch.length) {
        // A value larger than the scratch buffer goes straight in.
        const prefix = Buffer.allocUnsafe(4);
        prefix.writeUInt32LE(length, 0);
        hash.update(prefix).update(value, 'utf8');
        continue;
      }
      scratch.writeUInt32LE(length, used);
      used += 4;
      used += scratch.write(value, used, 'utf8');
    }
    if (used > 0) hash.update(scratch.subarray(0, used));
  }
}

/** The column's bytes as little-endian u64s: a view on little-endian hosts, a swapped copy otherwise. */
function u64LittleEndian(values: BigUint64Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const out = new Uint8Array(values.byteLength);
  const view = new DataView(out.buffer);
  for (let i = 0; i < values.length; i++) view.setBigUint64(i * 8, values[i]!, true);
  return out;
}
