/**
 * Catalog statistics: files, rows and bytes per type, identifier and UTC day. Rows are
 * counted from the `ts_init` column alone (one column decoded per row group), so a day's
 * count is exact even when a file spans days; a file's bytes are shared out by rows.
 */
import type { MarketDataType } from '../model/frames.js';
import { NS_PER_DAY, nsToIso } from '../model/time.js';
import { planFileDecoding } from './frame-decode.js';
import { tryResolveDataType } from './data-types.js';
import type { CatalogLayout } from './layout.js';
import { openCatalogFile } from './open-file.js';

export interface DayStats {
  readonly folder: string;
  readonly identifier: string;
  /** UTC day, `YYYY-MM-DD`. */
  readonly day: string;
  files: number;
  rows: number;
  bytes: number;
}

/** The files of one (type folder, identifier) with their sizes, as the statistics listed them. */
export interface FolderFiles {
  readonly folder: string;
  readonly identifier: string;
  readonly files: ReadonlyArray<{ readonly name: string; readonly size: number }>;
}

/** Returns one row per (type folder, identifier, UTC day), sorted. Non-market folders count files and bytes only. */
export async function catalogStats(layout: CatalogLayout): Promise<DayStats[]> {
  return (await catalogStatsAndFiles(layout)).days;
}

/** catalogStats, plus the files it listed (every identifier folder, even an empty one), so callers need not list them again. */
export async function catalogStatsAndFiles(layout: CatalogLayout): Promise<{ days: DayStats[]; folders: FolderFiles[] }> {
  const rows = new Map<string, DayStats>();
  const folders: FolderFiles[] = [];
  const bump = (folder: string, identifier: string, day: string, files: number, count: number, bytes: number) => {
    const key = `${folder}\u0000${identifier}\u0000${day}`;
    const entry = rows.get(key) ?? { folder, identifier, day, files: 0, rows: 0, bytes: 0 };
    entry.files += files;
    entry.rows += count;
    entry.bytes += bytes;
    rows.set(key, entry);
  };
  for (const folder of await layout.listDataFolders()) {
    const descriptor = tryResolveDataType(folder);
    for (const identifier of await layout.listIdentifiers(folder)) {
      const files = await layout.listFiles(folder, identifier);
      folders.push({ folder, identifier, files: files.map((f) => ({ name: f.name, size: f.size })) });
      for (const file of files) {
        if (descriptor?.kind !== 'market') {
          bump(folder, identifier, file.interval ? nsToIso(file.interval.first).slice(0, 10) : 'unknown', 1, 0, file.size);
          continue;
        }
        const perDay = await rowsPerDay(file.path, descriptor.key);
        const total = [...perDay.values()].reduce((a, b) => a + b, 0);
        let first = true;
        for (const [day, count] of perDay) {
          bump(folder, identifier, day, first ? 1 : 0, count, total > 0 ? Math.round((file.size * count) / total) : 0);
          first = false;
        }
      }
    }
  }
  return { days: [...rows.values()].sort((a, b) => (a.folder + a.identifier + a.day).localeCompare(b.folder + b.identifier + b.day)), folders };
}

async function rowsPerDay(path: string, type: MarketDataType): Promise<Map<string, number>> {
  const counts = new Map<bigint, number>();
  await scanTsInit(path, type, (ts) => {
    for (const t of ts) {
      const day = t / NS_PER_DAY;
      counts.set(day, (counts.get(day) ?? 0) + 1);
    }
  });
  return new Map([...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([day, n]) => [nsToIso(day * NS_PER_DAY).slice(0, 10), n]));
}

/** Calls `visit` with the `ts_init` values of each row group of a file, decoding that column only. */
export async function scanTsInit(path: string, type: MarketDataType, visit: (ts: BigUint64Array) => void): Promise<void> {
  const file = await openCatalogFile(path);
  try {
    const plan = await planFileDecoding(file, type);
    for (let g = 0; g < file.meta.rowGroups.length; g++) {
      if (file.meta.rowGroups[g]!.numRows === 0) continue;
      const [values] = await file.readRowGroup(g, [plan.tsInitColumn]);
      const bytes = (values as { bytes: Uint8Array }).bytes;
      visit(new BigUint64Array(bytes.buffer, bytes.byteOffset, bytes.length / 8));
    }
  } finally {
    await file.close();
  }
}
