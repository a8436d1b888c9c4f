/**
 * Where Parquet bytes come from: one `{name, byteLength, read}` shape serves local files,
 * memory buffers (tests, fuzzing) and, later, object-store ranges.
 */
import { fstatSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { unfilledBytes } from './fresh-bytes.js';

export interface ByteSource {
  /** Shown in every error about these bytes (a path for files). */
  readonly name: string;
  readonly byteLength: number;
  /**
   * Returns exactly `length` bytes from `offset` (fewer only past the end). The bytes may be
   * a view shared with later reads' buffers: callers must not modify them.
   */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** Optional hint: load `[offset, offset + length)` with one read, so later reads inside it do no I/O. */
  prefetch?(offset: number, length: number): Promise<void>;
  close(): Promise<void>;
}

export interface FileSourceOptions {
  /**
   * Once reads run sequentially (each starting where the last ended), read this many bytes
   * at a time and serve the next reads from memory: one system call per few row groups
   * instead of one each. A random first read (a window) stays exact-sized.
   */
  readonly readAhead?: number;
  /**
   * A file at most this long is read whole by its first read: a catalog of small files (day
   * files of 1-minute bars are ~85 KB) then costs one read per file instead of three (head
   * and tail, footer, row groups), each a thread-pool round trip. 0: never.
   */
  readonly wholeBelow?: number;
}

/** See FileSourceOptions.wholeBelow. */
const WHOLE_FILE_BYTES = 1 << 20;

/** Opens a local file as a byte source; close it when done. */
export async function fileSource(path: string, options: FileSourceOptions = {}): Promise<ByteSource> {
  const handle = await open(path, 'r');
  // fstat of an open descriptor never waits on the disk: synchronous saves a thread-pool round trip.
  const { size } = fstatSync(handle.fd);
  const readAhead = options.readAhead ?? 4 << 20;
  let block: Uint8Array = new Uint8Array(0);
  let blockStart = 0;
  let lastEnd = -1;
  // The block after `block`, read in the background while a sequential reader decodes this
  // one, so a scan does not stop for each read (a thread-pool read runs beside the main thread).
  let pending: { start: number; bytes: Promise<Uint8Array> } | undefined;

  const readExact = async (offset: number, length: number): Promise<Uint8Array> => {
    const end = Math.min(size, offset + length);
    // Only bytes read are handed out, so the buffer need not be zeroed first.
    const buffer = unfilledBytes(Math.max(0, end - offset));
    let done = 0;
    while (done < buffer.length) {
      const { bytesRead } = await handle.read(buffer, done, buffer.length - done, offset + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    // Cut short (a file truncated under us): a copy, so no unread byte stays reachable through `.buffer`.
    return done === buffer.length ? buffer : buffer.slice(0, done);
  };

  const useBlock = (bytes: Uint8Array, start: number): void => {
    block = bytes;
    blockStart = start;
    const next = start + bytes.length;
    pending = next < size && bytes.length === readAhead ? { start: next, bytes: readExact(next, readAhead) } : undefined;
    pending?.bytes.catch(() => {}); // reported to the read that awaits it, if any
  };

  if (size <= (options.wholeBelow ?? WHOLE_FILE_BYTES)) {
    // The whole file, once its first read asks for it.
    let whole: Promise<Uint8Array> | undefined;
    return {
      name: path,
      byteLength: size,
      async read(offset, length) {
        whole ??= readExact(0, size);
        const bytes = await whole;
        return bytes.subarray(offset, Math.min(bytes.length, offset + length));
      },
      async close() {
        await whole?.catch(() => {}); // let the read finish before the handle goes
        await handle.close();
      },
    };
  }
  return {
    name: path,
    byteLength: size,
    async read(offset, length) {
      const sequential = offset === lastEnd;
      lastEnd = offset + length;
      const blockEnd = blockStart + block.length;
      if (offset >= blockStart && offset + length <= blockEnd) {
        return block.subarray(offset - blockStart, offset - blockStart + length);
      }
      const next = pending;
      if (sequential && next && next.start === blockEnd && offset >= blockStart && offset + length <= blockEnd + readAhead) {
        const current = block;
        const currentStart = blockStart;
        const bytes = await next.bytes;
        if (offset + length <= next.start + bytes.length) {
          useBlock(bytes, next.start);
          if (offset >= next.start) return bytes.subarray(offset - next.start, offset - next.start + length);
          // Straddles the two blocks: one copy of this read (a row group per block) beats smaller blocks.
          const joined = unfilledBytes(length); // both parts fill it
          joined.set(current.subarray(offset - currentStart));
          joined.set(bytes.subarray(0, offset + length - next.start), blockEnd - offset);
          return joined;
        }
      }
      if (!sequential || length >= readAhead) return readExact(offset, length);
      useBlock(await readExact(offset, readAhead), offset);
      return block.subarray(0, Math.min(length, block.length));
    },
    async prefetch(offset, length) {
      if (offset >= blockStart && offset + length <= blockStart + block.length) return;
      block = await readExact(offset, length);
      blockStart = offset;
    },
    async close() {
      await pending?.bytes.catch(() => {}); // let a background read finish before the handle goes
      await handle.close();
    },
  };
}

/** Wraps bytes already in memory. */
export function memorySource(bytes: Uint8Array, name = '<memory>'): ByteSource {
  return {
    name,
    byteLength: bytes.length,
    read: async (offset, length) => bytes.subarray(offset, Math.min(bytes.length, offset + length)),
    close: async () => {},
  };
}
