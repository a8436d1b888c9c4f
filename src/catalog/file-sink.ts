/**
 * The byte sink of a Parquet file being written: bytes go to the file in order from offset 0,
 * a writer's buffered pages as one writev (no joined copy of each megabyte first).
 */
import type { FileHandle } from 'node:fs/promises';
import type { ByteSink } from './parquet/file-writer.js';

/** What the sink needs of a FileHandle. */
export type WritableFile = Pick<FileHandle, 'write' | 'writev'>;

export function fileSink(handle: WritableFile): ByteSink {
  let position = 0;
  return {
    write: async (bytes) => {
      await handle.write(bytes, 0, bytes.length, position);
      position += bytes.length;
    },
    writev: async (parts) => {
      let total = 0;
      for (const part of parts) total += part.length;
      const { bytesWritten } = await handle.writev(parts as Uint8Array[], position);
      // A regular file takes it all; should one not, the rest goes the plain way.
      if (bytesWritten < total) await writeRest(handle, parts, position, bytesWritten);
      position += total;
    },
  };
}

/** Writes what a short writev left of `parts` (at `position`, `done` bytes of them written). */
async function writeRest(handle: WritableFile, parts: readonly Uint8Array[], position: number, done: number): Promise<void> {
  let at = position;
  let skip = done;
  for (const part of parts) {
    const from = Math.min(skip, part.length);
    skip -= from;
    if (from < part.length) await handle.write(part, from, part.length - from, at + from);
    at += part.length;
  }
}
