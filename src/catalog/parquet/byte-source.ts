/**
 * Where Parquet bytes come from: one `{name, byteLength, read}` shape serves local files,
 * memory buffers (tests, fuzzing) and, later, object-store ranges.
 */
import { closeSync, fstatSync, openSync, read, readSync } from 'node:fs';
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
   * A file at most this long is read whole when it is opened, synchronously, and closed at
   * once: a catalog of small files (day files of 1-minute bars are ~85 KB) then costs one
   * read per file instead of three (head and tail, footer, row groups), and no thread-pool
   * round trips. 0: never.
   */
  readonly wholeBelow?: number;
}

/**
 * See FileSourceOptions.wholeBelow. Why synchronous: each promise-based file operation is a
 * round trip to libuv's thread pool, and on this project's 2-core machine open, read and close
 * of an 85 KB file cost 270–310 µs of CPU that way against 25–50 µs synchronously (365 day
 * files, BENCHMARKS.md). The price is that the event loop waits for the read: from the page
 * cache ~25 µs, from a cold disk up to the read of one file of at most this size.
 */
const WHOLE_FILE_BYTES = 1 << 20;
/** The longest read of a larger file that is synchronous (see readExact): a day file's footer is ~1.2 MB. */
const SYNC_READ_BYTES = 4 << 20;

/** Opens a local file as a byte source; close it when done. */
export async function fileSource(path: string, options: FileSourceOptions = {}): Promise<ByteSource> {
  // Opening and fstat of the descriptor touch only metadata: synchronous saves a round trip each.
  const fd = openSync(path, 'r');
  let size: number;
  try {
    size = fstatSync(fd).size;
    if (size <= (options.wholeBelow ?? WHOLE_FILE_BYTES)) return memorySource(readWholeSync(fd, size), path);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  return largeFileSource(path, fd, size, options.readAhead ?? 4 << 20);
}

/** The `size` bytes of the open file `fd` (fewer if it was cut short meanwhile); closes `fd`. */
function readWholeSync(fd: number, size: number): Uint8Array {
  try {
    return readSyncAt(fd, size, 0);
  } finally {
    closeSync(fd);
  }
}

/** `length` bytes of `fd` from `position`, synchronously (fewer past the end). */
function readSyncAt(fd: number, length: number, position: number): Uint8Array {
  // Only bytes read are handed out, so the buffer need not be zeroed first.
  const buffer = unfilledBytes(length);
  let done = 0;
  while (done < length) {
    const bytesRead = readSync(fd, buffer, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return filledPart(buffer, done);
}

/**
 * `buffer`, or its first `done` bytes when a read was cut short (a file truncated under us):
 * then a copy, so no unread byte stays reachable through `.buffer`.
 */
function filledPart(buffer: Uint8Array, done: number): Uint8Array {
  return done === buffer.length ? buffer : buffer.slice(0, done);
}

/** `readSync`'s asynchronous twin on the thread pool: bytes read into `buffer` at `at`. */
function readAt(fd: number, buffer: Uint8Array, at: number, length: number, position: number): Promise<number> {
  return new Promise((resolve, reject) => read(fd, buffer, at, length, position, (error, bytesRead) => (error ? reject(error) : resolve(bytesRead))));
}

/** A file larger than FileSourceOptions.wholeBelow, open as `fd` (which `close` closes): exact reads and read-ahead blocks. */
function largeFileSource(path: string, fd: number, size: number, readAhead: number): ByteSource {
  let block: Uint8Array = new Uint8Array(0);
  let blockStart = 0;
  let lastEnd = -1;
  // The block after `block`, read in the background while a sequential reader decodes this
  // one, so a scan does not stop for each read (a thread-pool read runs beside the main thread).
  let pending: { start: number; bytes: Promise<Uint8Array> } | undefined;

  /** `background`: a read-ahead block, read while the block before is decoded. */
  const readExact = async (offset: number, length: number, background = false): Promise<Uint8Array> => {
    const end = Math.min(size, offset + length);
    // A read the caller waits for (a footer, a window's row groups) is synchronous, as small
    // files are: waiting on the thread pool would not shorten the wait. Read-ahead blocks stay
    // there, where they run beside the decoding of the block before.
    if (!background && end - offset <= SYNC_READ_BYTES) return readSyncAt(fd, Math.max(0, end - offset), offset);
    // Only bytes read are handed out, so the buffer need not be zeroed first.
    const buffer = unfilledBytes(Math.max(0, end - offset));
    let done = 0;
    while (done < buffer.length) {
      const bytesRead = await readAt(fd, buffer, done, buffer.length - done, offset + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return filledPart(buffer, done);
  };

  const useBlock = (bytes: Uint8Array, start: number): void => {
    block = bytes;
    blockStart = start;
    const next = start + bytes.length;
    pending = next < size && bytes.length === readAhead ? { start: next, bytes: readExact(next, readAhead, true) } : undefined;
    pending?.bytes.catch(() => {}); // reported to the read that awaits it, if any
  };

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
      await pending?.bytes.catch(() => {}); // let a background read finish before the descriptor goes
      closeSync(fd); // as it was opened: a descriptor's close touches no data
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
