/**
 * Where Parquet bytes come from: one `{name, byteLength, read}` shape serves local files,
 * memory buffers (tests, fuzzing) and, later, object-store ranges.
 */
import { open } from 'node:fs/promises';

export interface ByteSource {
  /** Shown in every error about these bytes (a path for files). */
  readonly name: string;
  readonly byteLength: number;
  /** Returns exactly `length` bytes from `offset` (fewer only past the end). */
  read(offset: number, length: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** Opens a local file as a byte source; close it when done. */
export async function fileSource(path: string): Promise<ByteSource> {
  const handle = await open(path, 'r');
  const { size } = await handle.stat();
  return {
    name: path,
    byteLength: size,
    async read(offset, length) {
      const end = Math.min(size, offset + length);
      const buffer = new Uint8Array(new ArrayBuffer(Math.max(0, end - offset)));
      let done = 0;
      while (done < buffer.length) {
        const { bytesRead } = await handle.read(buffer, done, buffer.length - done, offset + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return done === buffer.length ? buffer : buffer.subarray(0, done);
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
