/**
 * data.binance.vision's `.CHECKSUM` files: one line `<sha256 hex>  <file name>` (sha256sum's
 * format). The archive is hashed in a streaming pass before it is opened, so a replaced or
 * broken archive never reaches the parser.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { ImportError } from './errors.js';

/** Returns the hex digest the checksum text gives for `fileName`; throws ImportError when it names no such file. */
export function parseChecksum(text: string, fileName: string, label: string): string {
  for (const line of text.split(/\r?\n/)) {
    const match = /^([0-9a-fA-F]{64})\s+\*?(.+?)\s*$/.exec(line);
    if (match && match[2] === fileName) return match[1]!.toLowerCase();
  }
  throw new ImportError('IMPORT_CHECKSUM', `${label}: no "<sha256>  ${fileName}" line in the checksum file, was ${JSON.stringify(text.slice(0, 120))}; re-download the .CHECKSUM file`, { archive: label });
}

/** Returns the sha256 hex digest of a file, read as a stream. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Throws ImportError `IMPORT_CHECKSUM` naming the archive when its digest differs from `expected`. */
export async function verifySha256(path: string, expected: string, label: string): Promise<void> {
  const actual = await sha256File(path);
  if (actual !== expected) {
    throw new ImportError(
      'IMPORT_CHECKSUM',
      `${label}: sha256 is ${actual}, its .CHECKSUM says ${expected}; the archive is damaged or was replaced — delete it and download it again (with its .CHECKSUM)`,
      { archive: label },
    );
  }
}
