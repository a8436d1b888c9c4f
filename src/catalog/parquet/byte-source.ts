/**
 * Where Parquet bytes come from: one `{name, byteLength, read}` shape serves local files,
 * memory buffers (tests, fuzzing) and, later, object-store ranges.
 */
import { open } from 'node:fs/promises';

export interface ByteSource {
  /** Shown in every error about these bytes (a path for files). */
  readonly name: string;
  readonly byteLength: number;
  /**
   * Returns exactly `length` bytes from `offset` (fewer only past the end). The bytes may be
   * a view shared with later reads' buffers: callers must not modify them.
   */
  read(offset: number, length: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

export interface FileSourceOptions {
  /**
   * Once reads run sequentially (each starting where the last ended), read this many bytes
   * at a time and serve the next reads from memory: one system call per few row groups
   * instead of one each. A random first read (a window) stays exact-sized.
   */
  readonly readAhead?: number;
}

/** Opens a local file as a byte source; close it when done. */
export async function fileSource(path: string, options: FileSourceOptions = {}): Promise<ByteSource> {
  const handle = await open(path, 'r');
  const { size } = await handle.stat();
  const readAhead = options.readAhead ?? 4 << 20;
  let block: Uint8Array = new Uint8Array(0);
  let blockStart = 0;
  let lastEnd = -1;

  const readExact = async (offset: number, length: number): Promise<Uint8Array> => {
    const end = Math.min(size, offset + length);
    const buffer = new Uint8Array(new ArrayBuffer(Math.max(0, end - offset)));
    let done = 0;
    while (done < buffer.length) {
      const { bytesRead } = await handle.read(buffer, done, buffer.length - done, offset + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done === buffer.length ? buffer : buffer.subarray(0, done);
  };

  return {
    name: path,
    byteLength: size,
    async read(offset, length) {
      const sequential = offset === lastEnd;
      lastEnd = offset + length;
      if (offset >= blockStart && offset + length <= blockStart + block.length) {
        return block.subarray(offset - blockStart, offset - blockStart + length);
      }
      if (!sequential || length >= readAhead) return readExact(offset, length);
      block = await readExact(offset, readAhead);
      blockStart = offset;
      return block.subarray(0, Math.min(length, block.length));
    },
    close: () => handle.close(),
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
