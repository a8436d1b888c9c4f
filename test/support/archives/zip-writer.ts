/**
 * Writes a one-entry zip archive the way data.binance.vision's look (one deflated CSV), from a
 * buffer or streamed from an iterable of chunks (for benchmark-sized months), using a data
 * descriptor so sizes and CRC follow the data. No zip64: entries must stay below 4 GiB.
 * Options write the entries the reader must also handle or refuse: stored (method 0, which an
 * empty content makes a zero-byte entry) and the traditional-encryption flag bit.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createDeflateRaw } from 'node:zlib';
import { crc32 } from './crc32.js';

export interface ZipOptions {
  /** 8 (deflate, the default) or 0 (stored: the content as is). */
  method?: 0 | 8;
  /** Sets the encrypted flag bit (the data is not actually encrypted). */
  encrypted?: boolean;
}

/** Writes `path` holding one entry `entryName` with `content`, deflated unless options say otherwise. Returns the zip's byte size. */
export async function writeZip(path: string, entryName: string, content: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>, options: ZipOptions = {}): Promise<number> {
  const method = options.method ?? 8;
  // Sizes and CRC in a data descriptor; bit 0 marks the entry encrypted.
  const flags = 0x0008 | (options.encrypted ? 0x0001 : 0);
  const out = createWriteStream(path);
  let offset = 0;
  const write = async (bytes: Uint8Array): Promise<void> => {
    offset += bytes.length;
    if (!out.write(bytes)) await once(out, 'drain');
  };
  const name = Buffer.from(entryName, 'utf8');
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4); // version needed
  local.writeUInt16LE(flags, 6);
  local.writeUInt16LE(method, 8);
  local.writeUInt16LE(0, 10);
  local.writeUInt16LE(0x21, 12); // 1980-01-01
  local.writeUInt16LE(name.length, 26);
  await write(local);
  await write(name);

  let crc = 0;
  let size = 0;
  const chunks = content instanceof Uint8Array ? [content] : content;
  let compressedSize: number;
  if (method === 0) {
    for await (const chunk of chunks) {
      crc = crc32(chunk, crc);
      size += chunk.length;
      await write(chunk);
    }
    compressedSize = size;
  } else {
    const deflate = createDeflateRaw({ level: 6 });
    const compressed = (async () => {
      let total = 0;
      for await (const chunk of deflate) {
        total += (chunk as Buffer).length;
        await write(chunk as Buffer);
      }
      return total;
    })();
    for await (const chunk of chunks) {
      crc = crc32(chunk, crc);
      size += chunk.length;
      if (!deflate.write(chunk)) await once(deflate, 'drain');
    }
    deflate.end();
    compressedSize = await compressed;
  }
  if (size >= 2 ** 32 || compressedSize >= 2 ** 32) throw new RangeError('writeZip: entries of 4 GiB or more need zip64, which this writer does not do');

  const descriptor = Buffer.alloc(16);
  descriptor.writeUInt32LE(0x08074b50, 0);
  descriptor.writeUInt32LE(crc, 4);
  descriptor.writeUInt32LE(compressedSize, 8);
  descriptor.writeUInt32LE(size, 12);
  await write(descriptor);

  const centralStart = offset;
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(flags, 8);
  central.writeUInt16LE(method, 10);
  central.writeUInt16LE(0, 12);
  central.writeUInt16LE(0x21, 14);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(compressedSize, 20);
  central.writeUInt32LE(size, 24);
  central.writeUInt16LE(name.length, 28);
  central.writeUInt32LE(0, 42); // local header at offset 0
  await write(central);
  await write(name);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + name.length, 12);
  end.writeUInt32LE(centralStart, 16);
  await write(end);
  out.end();
  await once(out, 'finish');
  return offset;
}
