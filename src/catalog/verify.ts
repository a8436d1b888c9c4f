/**
 * Checks a catalog the way NautilusTrader depends on it: every market file opens and
 * decodes, its name matches the min/max `ts_init` of its statistics (intervals and gaps are
 * computed from names alone), rows are sorted by `ts_init`, one width and one metadata per
 * folder, and no two files of a folder overlap.
 */
import { dirname } from 'node:path';
import type { FixedWidth } from '../model/fixed-point.js';
import { type CatalogErrorCode, isCatalogError } from './errors.js';
import { formatFileName } from './file-names.js';
import { decodeRowGroup, planFileDecoding } from './frame-decode.js';
import { findOverlaps } from './intervals.js';
import type { CatalogLayout } from './layout.js';
import { openCatalogFile } from './open-file.js';
import { tsInitOf } from '../model/frames.js';

export interface VerifyIssue {
  readonly path: string;
  readonly code: CatalogErrorCode | 'CATALOG_NAME_MISMATCH';
  readonly message: string;
}

export interface VerifyReport {
  readonly files: number;
  readonly rows: number;
  readonly issues: VerifyIssue[];
}

/** Verifies every market data file; reads all rows (to check order), one row group at a time. */
export async function verifyCatalog(layout: CatalogLayout, width?: FixedWidth): Promise<VerifyReport> {
  const issues: VerifyIssue[] = [];
  let files = 0;
  let rows = 0;
  for (const listing of await layout.listAll()) {
    if (listing.descriptor?.kind !== 'market') continue;
    const type = listing.descriptor.key;
    const folderFiles = await layout.listFiles(listing.folder, listing.identifier);
    let folderMeta: string | undefined;
    for (const entry of folderFiles) {
      files++;
      try {
        const file = await openCatalogFile(entry.path);
        try {
          const plan = await planFileDecoding(file, type, width);
          const meta = JSON.stringify({ width: plan.width, ...plan.meta });
          if (folderMeta === undefined) folderMeta = meta;
          else if (meta !== folderMeta) issues.push({ path: entry.path, code: 'CATALOG_METADATA', message: `metadata ${meta} differs from the folder's first file ${folderMeta}` });
          let first: bigint | undefined;
          let last: bigint | undefined;
          let previous = -1n;
          for (let g = 0; g < file.meta.rowGroups.length; g++) {
            const frame = await decodeRowGroup(file, plan, g);
            const ts = tsInitOf(frame);
            for (let i = 0; i < ts.length; i++) {
              const t = ts[i]!;
              if (t < previous) {
                issues.push({ path: entry.path, code: 'CATALOG_UNSORTED', message: `row ${rows + i} has ts_init ${t} after ${previous}; rewrite the file sorted` });
              }
              previous = t;
              if (first === undefined || t < first) first = t;
              if (last === undefined || t > last) last = t;
            }
            rows += ts.length;
          }
          if (entry.interval && first !== undefined) {
            const expected = formatFileName(first, last!);
            if (entry.interval.first > first || entry.interval.last < last!) {
              issues.push({ path: entry.path, code: 'CATALOG_NAME_MISMATCH', message: `name does not cover its rows' ts_init range (${expected}); run \`seamless catalog reset-names\`` });
            }
          }
        } finally {
          await file.close();
        }
      } catch (error) {
        if (!isCatalogError(error)) throw error;
        issues.push({ path: entry.path, code: error.code, message: error.message });
      }
    }
    const named = folderFiles.filter((f) => f.interval);
    for (const [a, b] of findOverlaps(named.map((f) => f.interval!))) {
      const fa = named.find((f) => f.interval === a)!;
      const fb = named.find((f) => f.interval === b)!;
      issues.push({ path: dirname(fa.path), code: 'CATALOG_OVERLAP', message: `${fa.name} overlaps ${fb.name}; consolidate the folder` });
    }
  }
  return { files, rows, issues };
}
