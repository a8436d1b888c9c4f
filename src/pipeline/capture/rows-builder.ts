/**
 * Collects the rows of many WAL records of one (series, day) into one frame, copying column
 * bytes straight out of the record payloads: no frame per record and no concatenation, which
 * is what made conversion of one-row records (a trade per websocket message) slow.
 */
import { type FixedColumn, type FrameColumns, fieldsOf } from '../../model/frames.js';
import type { SeriesFrame } from '../../seamless/series.js';
import { ROWS_FIXED, type StreamDecl } from './record-codec.js';

/** A byte column that grows by doubling. */
class Bytes {
  buf = Buffer.allocUnsafe(4096);
  length = 0;

  /** Room for `n` more bytes; returns where they go. */
  reserve(n: number): number {
    if (this.length + n > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < this.length + n) size *= 2;
      const grown = Buffer.allocUnsafe(size);
      this.buf.copy(grown, 0, 0, this.length);
      this.buf = grown;
    }
    const at = this.length;
    this.length += n;
    return at;
  }

  /** The bytes on a fresh, 8-byte aligned buffer of exactly `length`. */
  take(): Uint8Array {
    const out = new Uint8Array(this.length);
    out.set(this.buf.subarray(0, this.length));
    return out;
  }
}

/** Bytes per row of a column (0 for utf8, which is length-prefixed per row). */
type Plan = ReadonlyArray<{ readonly name: string; readonly kind: string; readonly rowBytes: number }>;

export class RowsBuilder {
  readonly #plan: Plan;
  readonly #columns: Array<Bytes | string[]>;
  #rows = 0;

  constructor(readonly decl: StreamDecl) {
    this.#plan = fieldsOf(decl.type).map(([name, kind]) => ({ name, kind, rowBytes: kind === 'utf8' ? 0 : kind === 'u64' ? 8 : kind === 'u8' ? 1 : decl.width }));
    this.#columns = this.#plan.map((c) => (c.kind === 'utf8' ? [] : new Bytes()));
  }

  get rows(): number {
    return this.#rows;
  }

  /** Appends the columns of the `rows` payload at `payload[start...]` (CRC-checked, of this stream). */
  appendPayload(payload: Buffer, start = 0): void {
    const n = payload.readUInt32LE(start + 19);
    let o = start + ROWS_FIXED;
    for (let f = 0; f < this.#plan.length; f++) {
      const target = this.#columns[f]!;
      const rowBytes = this.#plan[f]!.rowBytes;
      if (rowBytes === 0) {
        const texts = target as string[];
        for (let i = 0; i < n; i++) {
          const len = payload[o]! | (payload[o + 1]! << 8);
          texts.push(payload.toString('utf8', o + 2, o + 2 + len));
          o += 2 + len;
        }
        continue;
      }
      const size = n * rowBytes;
      const bytes = target as Bytes;
      const at = bytes.reserve(size);
      if (size <= 32) for (let k = 0; k < size; k++) bytes.buf[at + k] = payload[o + k]!;
      else payload.copy(bytes.buf, at, o, o + size);
      o += size;
    }
    this.#rows += n;
  }

  /** Appends the rows of a decoded frame (the rare record that straddles midnight). */
  appendFrame(frame: SeriesFrame): void {
    const columns = frame.columns as unknown as Record<string, unknown>;
    this.#plan.forEach(({ name, kind }, f) => {
      const data = columns[name];
      const target = this.#columns[f]!;
      if (kind === 'utf8') {
        (target as string[]).push(...(data as string[]));
        return;
      }
      const source = kind === 'price' || kind === 'quantity'
        ? (data as FixedColumn).bytes.subarray(0, frame.length * frame.width)
        : kind === 'u64' ? new Uint8Array((data as BigUint64Array).buffer, (data as BigUint64Array).byteOffset, frame.length * 8) : (data as Uint8Array).subarray(0, frame.length);
      const bytes = target as Bytes;
      bytes.buf.set(source, bytes.reserve(source.length));
    });
    this.#rows += frame.length;
  }

  build(): SeriesFrame {
    const columns: Record<string, unknown> = {};
    this.#plan.forEach(({ name, kind }, f) => {
      const source = this.#columns[f]!;
      if (kind === 'utf8') columns[name] = source as string[];
      else if (kind === 'price' || kind === 'quantity') columns[name] = { kind, width: this.decl.width, bytes: (source as Bytes).take() } satisfies FixedColumn;
      else if (kind === 'u64') columns[name] = new BigUint64Array((source as Bytes).take().buffer, 0, this.#rows);
      else columns[name] = (source as Bytes).take();
    });
    return { type: this.decl.type, width: this.decl.width, length: this.#rows, meta: this.decl.meta, columns: columns as FrameColumns<SeriesFrame['type']> } as SeriesFrame;
  }
}
