/**
 * Shared by the maintain-*.test.ts files: fragmented catalogs written with our writer from
 * random frames, rows as NDJSON lines from us and from the real NautilusTrader, and a
 * byte-level snapshot of a catalog folder to prove that dry runs change nothing.
 */
import { createHash } from 'node:crypto';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { Catalog } from '../../src/catalog/catalog.js';
import type { FixedWidth } from '../../src/model/fixed-point.js';
import { frameRowToJson } from '../../src/model/frame-rows.js';
import { type Frame, type FrameMeta, type MarketDataType, tsInitOf } from '../../src/model/frames.js';
import { NS_PER_HOUR } from '../../src/model/time.js';
import { peerNdjson } from '../helpers/python-peer.js';
import { randomFrame } from '../helpers/random-frames.js';

/** 2024-01-01T00:00:00Z. */
export const JAN_1 = 1_704_067_200_000_000_000n;
export const QUOTES_META: FrameMeta = { instrumentId: 'EUR/USD.SIM', pricePrecision: 5, sizePrecision: 0 };
export const QUOTES_ID = 'EUR/USD.SIM';
export const QUOTES_DIR = join('data', 'quote_tick', 'EURUSD.SIM');

/** Opens a catalog with the folder names NautilusTrader 1.221.0 reads. */
export function openCatalog(root: string, width: FixedWidth = 16): Promise<Catalog> {
  return Catalog.open(root, { width, scheme: 'py1221' });
}

/**
 * A random quote frame of `rows` rows whose ts_init run evenly from `first` to `last`
 * (ties included when rows outnumber the nanoseconds), every other column random.
 */
export function quotesBetween(rand: () => number, first: bigint, last: bigint, rows: number, width: FixedWidth = 16, meta: FrameMeta = QUOTES_META): Frame<'quote_tick'> {
  const frame = randomFrame('quote_tick', rand, { width, rows, startNs: first, meta });
  const ts = tsInitOf(frame);
  const span = last - first;
  for (let i = 0; i < rows; i++) ts[i] = rows === 1 ? first : first + (span * BigInt(i)) / BigInt(rows - 1);
  return frame;
}

/** Writes `hours` hourly fragments of `rowsPerFile` quotes starting at `start`; returns the frames. */
export async function writeHourlyFragments(catalog: Catalog, rand: () => number, hours: number, rowsPerFile: number, start = JAN_1): Promise<Frame<'quote_tick'>[]> {
  const frames: Frame<'quote_tick'>[] = [];
  for (let h = 0; h < hours; h++) {
    const first = start + BigInt(h) * NS_PER_HOUR + BigInt(Math.floor(rand() * 1e9));
    const frame = quotesBetween(rand, first, first + NS_PER_HOUR - 2_000_000_000n, rowsPerFile);
    await catalog.write(frame);
    frames.push(frame);
  }
  return frames;
}

/** Every row of a type/identifier as our CLI's NDJSON line (NautilusTrader's peer line format). */
export async function ourLines(catalog: Catalog, type: MarketDataType, identifier: string): Promise<string[]> {
  const lines: string[] = [];
  for await (const frame of catalog.read(type, identifier)) for (let i = 0; i < frame.length; i++) lines.push(frameRowToJson(frame, i));
  return lines;
}

/** Every row as the real NautilusTrader 1.221.0 ParquetDataCatalog.query returns it. */
export function nautilusLines(root: string, type: MarketDataType, identifier: string): Promise<string[]> {
  return peerNdjson(['read', '--catalog', root, '--type', type, '--identifier', identifier], { timeoutMs: 600_000 });
}

/** Visible .parquet names of a folder, sorted. */
export async function parquetNames(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => n.endsWith('.parquet') && !n.startsWith('.')).sort();
}

/** Every file under `root` (hidden ones too) with its size, mtime and content hash. */
export async function snapshot(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else {
        const info = await stat(path);
        const hash = createHash('sha256').update(await readFile(path)).digest('hex');
        out.set(relative(root, path), `${info.size} ${info.mtimeMs} ${hash}`);
      }
    }
  };
  await walk(root);
  return out;
}
