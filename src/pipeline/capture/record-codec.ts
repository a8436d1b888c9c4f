/**
 * The binary records of the capture write-ahead log. Rows are stored as the fixed-point
 * column bytes the frames already hold (no JSON, no decimal text), so appending a batch is
 * a few memory copies and reading it back gives byte-identical frames.
 *
 * Framing, every record:   u32 payload length | u32 CRC-32 of the payload | payload
 * Payloads (little-endian; `seq` is the WAL-wide monotonic sequence of the record):
 *
 *   stream  u8 1 | u64 seq | u16 stream | UTF-8 JSON of the StreamDecl
 *   rows    u8 2 | u64 seq | u16 stream | u64 receivedAt ns | u32 count | columns
 *   gap     u8 3 | u64 seq | u16 stream | u64 start ns | u64 end ns | UTF-8 reason
 *
 * `columns` follow the frame type's catalog column order (FRAME_FIELDS): price/quantity as
 * `count × width` raw bytes, u64 as `count × 8`, u8 as `count`, utf8 as `u16 length | bytes`
 * per row. A `stream` record declares, once per segment, what a stream number means, so
 * every segment can be read on its own after older ones are gone.
 */
import { endianness } from 'node:os';
import { crc32Range } from './crc32.js';
import type { FixedWidth } from '../../model/fixed-point.js';
import { type FixedColumn, type FrameMeta, allocFrame, fieldsOf } from '../../model/frames.js';
import type { SeriesDataType, SeriesFrame } from '../../seamless/series.js';
import { CaptureError } from './errors.js';

// u64 columns are copied as the memory of BigUint64Array, which is little-endian only there.
if (endianness() !== 'LE') throw new Error('the capture WAL stores typed arrays as little-endian memory; this platform is big-endian');

export const RECORD_HEADER_BYTES = 8;
/** A bound on one payload, so a damaged length field cannot make us allocate gigabytes. */
export const MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;

export const KIND_STREAM = 1;
export const KIND_ROWS = 2;
export const KIND_GAP = 3;

/** Bytes of a `rows` payload before its columns. */
export const ROWS_FIXED = 1 + 8 + 2 + 8 + 4;
const GAP_FIXED = 1 + 8 + 2 + 8 + 8;
const STREAM_FIXED = 1 + 8 + 2;

/** What a stream number stands for within a segment. */
export interface StreamDecl {
  readonly nodeId: string;
  readonly type: SeriesDataType;
  readonly width: FixedWidth;
  readonly meta: FrameMeta;
}

export type WalRecord =
  | { readonly kind: 'stream'; readonly seq: bigint; readonly stream: number; readonly decl: StreamDecl }
  | { readonly kind: 'rows'; readonly seq: bigint; readonly stream: number; readonly receivedAt: bigint; readonly frame: SeriesFrame }
  | { readonly kind: 'gap'; readonly seq: bigint; readonly stream: number; readonly start: bigint; readonly end: bigint; readonly reason: string };

/** The sequence of the record whose payload starts at `data[payloadStart]`: it follows the kind byte in every kind. */
export function recordSeq(data: Buffer, payloadStart: number): bigint {
  return data.readBigUInt64LE(payloadStart + 1);
}

/** Fills `size` payload bytes at `buf[at...]`. */
export type PayloadWriter = (buf: Buffer, at: number) => void;

/** Writes the header of the payload at `buf[at + 8 ...]` (CRC over the payload). */
export function writeRecordHeader(buf: Buffer, at: number, size: number): void {
  buf.writeUInt32LE(size, at);
  buf.writeUInt32LE(crc32Range(buf, at + RECORD_HEADER_BYTES, at + RECORD_HEADER_BYTES + size), at + 4);
}

/** The payload of a `stream` record. */
export function streamPayload(seq: bigint, stream: number, decl: StreamDecl): { size: number; write: PayloadWriter } {
  const json = Buffer.from(JSON.stringify({ nodeId: decl.nodeId, type: decl.type, width: decl.width, meta: decl.meta }), 'utf8');
  return {
    size: STREAM_FIXED + json.length,
    write: (buf, at) => {
      buf[at] = KIND_STREAM;
      buf.writeBigUInt64LE(seq, at + 1);
      buf.writeUInt16LE(stream, at + 9);
      json.copy(buf, at + STREAM_FIXED);
    },
  };
}

/** The payload of a `gap` record. */
export function gapPayload(seq: bigint, stream: number, start: bigint, end: bigint, reason: string): { size: number; write: PayloadWriter } {
  const text = Buffer.from(reason, 'utf8');
  return {
    size: GAP_FIXED + text.length,
    write: (buf, at) => {
      buf[at] = KIND_GAP;
      buf.writeBigUInt64LE(seq, at + 1);
      buf.writeUInt16LE(stream, at + 9);
      buf.writeBigUInt64LE(start, at + 11);
      buf.writeBigUInt64LE(end, at + 19);
      text.copy(buf, at + GAP_FIXED);
    },
  };
}

/** Bytes of the payload of a `rows` record for `frame`. */
export function rowsPayloadSize(frame: SeriesFrame): number {
  let size = ROWS_FIXED;
  const n = frame.length;
  const columns = frame.columns as unknown as Record<string, unknown>;
  for (const [name, kind] of fieldsOf(frame.type)) {
    if (kind === 'price' || kind === 'quantity') size += n * frame.width;
    else if (kind === 'u64') size += n * 8;
    else if (kind === 'u8') size += n;
    else for (const text of columns[name] as string[]) size += 2 + Buffer.byteLength(text, 'utf8');
  }
  return size;
}

/** Writes the payload of a `rows` record (its size from rowsPayloadSize) at `buf[at...]`. */
export function writeRowsPayload(buf: Buffer, at: number, seq: bigint, stream: number, receivedAt: bigint, frame: SeriesFrame): void {
  buf[at] = KIND_ROWS;
  buf.writeBigUInt64LE(seq, at + 1);
  buf.writeUInt16LE(stream, at + 9);
  buf.writeBigUInt64LE(receivedAt, at + 11);
  buf.writeUInt32LE(frame.length, at + 19);
  let o = at + ROWS_FIXED;
  const n = frame.length;
  const columns = frame.columns as unknown as Record<string, unknown>;
  for (const [name, kind] of fieldsOf(frame.type)) {
    const data = columns[name];
    if (kind === 'price' || kind === 'quantity') {
      const column = data as FixedColumn;
      buf.set(column.bytes.subarray(0, n * column.width), o);
      o += n * column.width;
    } else if (kind === 'u64') {
      const column = data as BigUint64Array;
      buf.set(new Uint8Array(column.buffer, column.byteOffset, n * 8), o);
      o += n * 8;
    } else if (kind === 'u8') {
      buf.set((data as Uint8Array).subarray(0, n), o);
      o += n;
    } else {
      for (const text of data as string[]) {
        const len = buf.write(text, o + 2, 'utf8');
        if (len > 0xffff) throw new RangeError(`a ${name} of ${len} bytes does not fit a WAL record (max 65535)`);
        buf.writeUInt16LE(len, o);
        o += 2 + len;
      }
    }
  }
}

/**
 * Decodes one payload (already CRC-checked). `streams` maps the segment's stream numbers to
 * their declarations and gains the ones `stream` records declare.
 */
export function decodeRecord(payload: Buffer, streams: Map<number, StreamDecl>, where: string): WalRecord {
  const bad = (why: string): CaptureError => new CaptureError('CAPTURE_BAD_WAL', `${where}: ${why}; the record passed its CRC, so the segment was written by an incompatible version — move it out of the WAL folder`, { where });
  if (payload.length < STREAM_FIXED) throw bad(`a payload of ${payload.length} bytes is shorter than any record`);
  const kind = payload[0];
  const seq = recordSeq(payload, 0);
  const stream = payload.readUInt16LE(9);
  if (kind === KIND_STREAM) {
    const decl = parseDecl(payload.toString('utf8', STREAM_FIXED), bad);
    streams.set(stream, decl);
    return { kind: 'stream', seq, stream, decl };
  }
  const decl = streams.get(stream);
  if (decl === undefined) throw bad(`record ${seq} uses stream ${stream}, which the segment never declared`);
  if (kind === KIND_GAP) {
    if (payload.length < GAP_FIXED) throw bad(`gap record ${seq} is ${payload.length} bytes`);
    return { kind: 'gap', seq, stream, start: payload.readBigUInt64LE(11), end: payload.readBigUInt64LE(19), reason: payload.toString('utf8', GAP_FIXED) };
  }
  if (kind !== KIND_ROWS) throw bad(`unknown record kind ${kind}`);
  if (payload.length < ROWS_FIXED) throw bad(`rows record ${seq} is ${payload.length} bytes`);
  const receivedAt = payload.readBigUInt64LE(11);
  const n = payload.readUInt32LE(19);
  const frame = allocFrame(decl.type, decl.width, n, decl.meta);
  const columns = frame.columns as unknown as Record<string, unknown>;
  let o = ROWS_FIXED;
  const take = (bytes: number): Buffer => {
    if (o + bytes > payload.length) throw bad(`rows record ${seq} ends inside its columns`);
    const part = payload.subarray(o, o + bytes);
    o += bytes;
    return part;
  };
  for (const [name, kind] of fieldsOf(decl.type)) {
    const data = columns[name];
    if (kind === 'price' || kind === 'quantity') (data as FixedColumn).bytes.set(take(n * decl.width));
    else if (kind === 'u64') {
      const column = data as BigUint64Array;
      new Uint8Array(column.buffer, column.byteOffset, n * 8).set(take(n * 8));
    } else if (kind === 'u8') (data as Uint8Array).set(take(n));
    else {
      const texts = data as string[];
      for (let i = 0; i < n; i++) texts[i] = take(take(2).readUInt16LE(0)).toString('utf8');
    }
  }
  if (o !== payload.length) throw bad(`rows record ${seq} has ${payload.length - o} bytes after its columns`);
  return { kind: 'rows', seq, stream, receivedAt, frame: frame as SeriesFrame };
}

function parseDecl(text: string, bad: (why: string) => CaptureError): StreamDecl {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw bad('a stream declaration is not JSON');
  }
  const d = raw as Partial<StreamDecl> & { meta?: Partial<FrameMeta> };
  const typeOk = d.type === 'bar' || d.type === 'trade_tick' || d.type === 'quote_tick';
  const metaOk = d.meta !== undefined && typeof d.meta.instrumentId === 'string' && Number.isInteger(d.meta.pricePrecision) && Number.isInteger(d.meta.sizePrecision);
  if (typeof d.nodeId !== 'string' || !typeOk || (d.width !== 8 && d.width !== 16) || !metaOk) throw bad(`a stream declaration is incomplete: ${text.slice(0, 200)}`);
  return { nodeId: d.nodeId, type: d.type!, width: d.width, meta: d.meta as FrameMeta };
}
