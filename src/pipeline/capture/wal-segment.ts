/**
 * One write-ahead segment file: a 16-byte header (`SEAMWAL1` + the first record's sequence)
 * followed by CRC-framed records (see record-codec.ts), only ever appended to.
 *
 * Writing: records are encoded into an in-memory batch and reach the file with one
 * `write()` per flush (group commit); `sync()` makes what was flushed durable with
 * fdatasync. A record flushed is safe from a process crash (`kill -9`): the kernel holds it.
 * A record synced is safe from a power cut too.
 *
 * Reading: `walkSegment` walks the records and stops at the first that is incomplete or fails
 * its CRC; `recoverSegment` cuts the file there. A process crash can only leave a torn last
 * record, never damage inside, so bytes after a bad record that are not just a torn tail
 * are kept aside in a `.corrupt` file for inspection before the cut.
 */
import { closeSync, fdatasync, openSync, writeSync } from 'node:fs';
import { open, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { crc32Range } from './crc32.js';
import { MAX_PAYLOAD_BYTES, type PayloadWriter, RECORD_HEADER_BYTES, recordSeq, writeRecordHeader } from './record-codec.js';

export const SEGMENT_MAGIC = Buffer.from('SEAMWAL1', 'latin1');
export const SEGMENT_HEADER_BYTES = 16;
const SEGMENT_SUFFIX = '.wal';
const INITIAL_BATCH_BYTES = 256 * 1024;

/** `<first sequence, 20 digits>.wal`: names sort in sequence order. */
export function segmentName(firstSeq: bigint): string {
  return `${firstSeq.toString().padStart(20, '0')}${SEGMENT_SUFFIX}`;
}

/** The first sequence a segment name carries, or undefined for other files. */
export function parseSegmentName(name: string): bigint | undefined {
  const match = /^(\d{20})\.wal$/.exec(name);
  return match ? BigInt(match[1]!) : undefined;
}

export class SegmentWriter {
  readonly path: string;
  readonly firstSeq: bigint;
  /** Wall-clock ms when the segment was opened (time-based rotation). */
  readonly openedAtMs: number;
  #fd: number | undefined;
  #batch = Buffer.allocUnsafe(INITIAL_BATCH_BYTES);
  #used = 0;
  #fileBytes = SEGMENT_HEADER_BYTES;
  #records = 0;
  #syncing: Promise<void> | undefined;
  #unsynced = false;

  private constructor(path: string, firstSeq: bigint, fd: number) {
    this.path = path;
    this.firstSeq = firstSeq;
    this.#fd = fd;
    this.openedAtMs = Date.now();
  }

  /** Creates `dir/<firstSeq>.wal` (failing if it exists) with its header written. */
  static create(dir: string, firstSeq: bigint): SegmentWriter {
    const path = join(dir, segmentName(firstSeq));
    const fd = openSync(path, 'wx');
    const header = Buffer.alloc(SEGMENT_HEADER_BYTES);
    SEGMENT_MAGIC.copy(header, 0);
    header.writeBigUInt64LE(firstSeq, 8);
    writeSync(fd, header);
    return new SegmentWriter(path, firstSeq, fd);
  }

  /** Bytes in the file plus the batch not yet flushed. */
  get bytes(): number {
    return this.#fileBytes + this.#used;
  }

  get records(): number {
    return this.#records;
  }

  /** Whether records are waiting in memory for `flush()`. */
  get pending(): boolean {
    return this.#used > 0;
  }

  /** Adds one record of a `size`-byte payload that `write` fills, to the batch. */
  append(size: number, write: PayloadWriter): void {
    if (size > MAX_PAYLOAD_BYTES) throw new RangeError(`a WAL record of ${size} bytes exceeds the ${MAX_PAYLOAD_BYTES}-byte limit; split the frame`);
    const need = this.#used + RECORD_HEADER_BYTES + size;
    if (need > this.#batch.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, this.#batch.length * 2));
      this.#batch.copy(grown, 0, 0, this.#used);
      this.#batch = grown;
    }
    write(this.#batch, this.#used + RECORD_HEADER_BYTES);
    writeRecordHeader(this.#batch, this.#used, size);
    this.#used = need;
    this.#records += 1;
  }

  /** Writes the batch to the file; returns the bytes written. */
  flush(): number {
    if (this.#used === 0) return 0;
    const fd = this.#open();
    let done = 0;
    while (done < this.#used) done += writeSync(fd, this.#batch, done, this.#used - done);
    this.#fileBytes += done;
    this.#used = 0;
    this.#unsynced = true;
    return done;
  }

  /** Makes everything flushed so far durable (fdatasync); concurrent calls share one sync. */
  sync(): Promise<boolean> {
    if (this.#syncing) return this.#syncing.then(() => this.sync());
    if (!this.#unsynced) return Promise.resolve(false);
    const fd = this.#open();
    this.#unsynced = false;
    this.#syncing = new Promise<void>((resolve, reject) => fdatasync(fd, (error) => (error ? reject(error) : resolve()))).finally(() => {
      this.#syncing = undefined;
    });
    return this.#syncing.then(() => true);
  }

  /** Flushes, syncs and closes the file. */
  async close(): Promise<void> {
    if (this.#fd === undefined) return;
    this.flush();
    await this.sync();
    closeSync(this.#fd);
    this.#fd = undefined;
  }

  #open(): number {
    if (this.#fd === undefined) throw new Error(`${this.path} is closed`);
    return this.#fd;
  }
}

export interface SegmentWalk {
  /** From the header; undefined when the header itself is torn. */
  readonly firstSeq: bigint | undefined;
  /** Where the last whole, CRC-valid record ends: the file is cut here. */
  readonly validEnd: number;
  readonly fileBytes: number;
  /** Why the walk stopped before the end of the file, if it did. */
  readonly damage?: { readonly offset: number; readonly reason: string; readonly tornTail: boolean };
}

/**
 * Calls `visit(payloadStart, payloadEnd)` for each whole, CRC-valid record, in order, without
 * making an object per record (conversion walks millions of them).
 */
export function walkSegment(data: Buffer, visit: (start: number, end: number) => void): SegmentWalk {
  if (data.length < SEGMENT_HEADER_BYTES) {
    return { firstSeq: undefined, validEnd: 0, fileBytes: data.length, ...(data.length > 0 ? { damage: { offset: 0, reason: 'the header is torn', tornTail: true } } : {}) };
  }
  if (!data.subarray(0, 8).equals(SEGMENT_MAGIC)) {
    return { firstSeq: undefined, validEnd: 0, fileBytes: data.length, damage: { offset: 0, reason: 'the file does not start with SEAMWAL1', tornTail: false } };
  }
  const firstSeq = data.readBigUInt64LE(8);
  let at = SEGMENT_HEADER_BYTES;
  let damage: SegmentWalk['damage'];
  while (at < data.length) {
    if (data.length - at < RECORD_HEADER_BYTES) {
      damage = { offset: at, reason: 'a record header is cut off', tornTail: true };
      break;
    }
    const size = data.readUInt32LE(at);
    const end = at + RECORD_HEADER_BYTES + size;
    if (size === 0 || size > MAX_PAYLOAD_BYTES) {
      damage = { offset: at, reason: `a record claims ${size} payload bytes`, tornTail: isZeroFilled(data, at) };
      break;
    }
    if (end > data.length) {
      damage = { offset: at, reason: `a record of ${size} bytes is cut off after ${data.length - at - RECORD_HEADER_BYTES}`, tornTail: true };
      break;
    }
    if (crc32Range(data, at + RECORD_HEADER_BYTES, end) !== data.readUInt32LE(at + 4)) {
      // A torn write leaves the last record wrong; anything after it means damage inside.
      damage = { offset: at, reason: 'a record fails its CRC', tornTail: end === data.length };
      break;
    }
    visit(at + RECORD_HEADER_BYTES, end);
    at = end;
  }
  return { firstSeq, validEnd: damage ? damage.offset : data.length, fileBytes: data.length, ...(damage ? { damage } : {}) };
}

/** Trailing zeros are what a file extended but never written looks like after a crash. */
function isZeroFilled(data: Buffer, from: number): boolean {
  for (let i = from; i < data.length; i++) if (data[i] !== 0) return false;
  return true;
}

export interface RecoveredSegment extends SegmentWalk {
  readonly path: string;
  /** Whole records left in the segment. */
  readonly recordCount: number;
  /** The sequence of the last of them; undefined when there are none. */
  readonly lastSeq: bigint | undefined;
  /** Bytes cut off the end of the file. */
  readonly truncatedBytes: number;
  /** Where the cut bytes were kept, when they were more than a torn tail. */
  readonly keptAside?: string;
}

/**
 * Cuts a segment after its last whole record. A segment whose header is torn holds no
 * records and is removed. Records are only counted, not collected: start-up needs no more.
 */
export async function recoverSegment(path: string): Promise<RecoveredSegment> {
  const data = await readFile(path);
  let recordCount = 0;
  let lastStart = -1;
  const walk = walkSegment(data, (start) => {
    recordCount += 1;
    lastStart = start;
  });
  const found = { path, ...walk, recordCount, lastSeq: lastStart < 0 ? undefined : recordSeq(data, lastStart) };
  if (walk.validEnd === walk.fileBytes) return { ...found, truncatedBytes: 0 };
  let keptAside: string | undefined;
  if (walk.damage && !walk.damage.tornTail) {
    keptAside = join(path, '..', `${basename(path)}.${walk.validEnd}.corrupt`);
    await writeFile(keptAside, data.subarray(walk.validEnd));
  }
  if (walk.firstSeq === undefined) {
    await rm(path, { force: true });
  } else {
    await truncate(path, walk.validEnd);
    const handle = await open(path, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
  return { ...found, truncatedBytes: walk.fileBytes - walk.validEnd, ...(keptAside ? { keptAside } : {}) };
}
