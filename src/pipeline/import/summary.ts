/**
 * What an import did, for the closing report (text or JSON): rows, days written, skipped and
 * missing, bytes, the precision used and where it came from, and the gaps it saw.
 */
import type { IdGap } from './row-mapper.js';
import { duration } from './progress.js';

export interface ImportSummary {
  instrumentId: string;
  /** The catalog identifier the data went to (bar type for bars). */
  identifier: string;
  dataType: string;
  precision: { price: number; size: number; source: string };
  instrumentWritten: boolean;
  rows: number;
  daysWritten: string[];
  daysReplaced: string[];
  daysSkipped: string[];
  /** Days the catalog had partly (another writer); left alone unless --force. */
  daysPartial: string[];
  /** Days no archive had, or whose archive held no row. */
  daysMissing: string[];
  archivesRead: string[];
  archivesMissing: string[];
  checksumsMissing: string[];
  bytesRead: number;
  bytesWritten: number;
  idGaps: IdGap[];
  missingIds: number;
  seconds: number;
}

export function emptySummary(instrumentId: string, identifier: string, dataType: string): ImportSummary {
  return {
    instrumentId,
    identifier,
    dataType,
    precision: { price: 0, size: 0, source: '' },
    instrumentWritten: false,
    rows: 0,
    daysWritten: [],
    daysReplaced: [],
    daysSkipped: [],
    daysPartial: [],
    daysMissing: [],
    archivesRead: [],
    archivesMissing: [],
    checksumsMissing: [],
    bytesRead: 0,
    bytesWritten: 0,
    idGaps: [],
    missingIds: 0,
    seconds: 0,
  };
}

const MAX_LISTED = 10;

function list(days: readonly string[]): string {
  if (days.length === 0) return 'none';
  const shown = days.slice(0, MAX_LISTED).join(', ');
  return days.length > MAX_LISTED ? `${shown}, … (${days.length} in all)` : shown;
}

/** Formats the summary as the lines the CLI prints. */
export function formatSummary(s: ImportSummary): string {
  const rate = s.seconds > 0 ? `${Math.round(s.rows / s.seconds).toLocaleString('en-US')} rows/s` : '-';
  const lines = [
    `imported ${s.dataType} ${s.identifier}: ${s.rows.toLocaleString('en-US')} rows in ${duration(s.seconds)} (${rate})`,
    `  precision: price ${s.precision.price}, size ${s.precision.size} (${s.precision.source})`,
    `  instrument ${s.instrumentId}: ${s.instrumentWritten ? 'written' : 'already in the catalog'}`,
    `  days written: ${s.daysWritten.length}${s.daysReplaced.length ? ` (${s.daysReplaced.length} replaced)` : ''}; skipped (already in the catalog): ${list(s.daysSkipped)}`,
    `  archives read: ${s.archivesRead.length} (${(s.bytesRead / 1e6).toFixed(1)} MB); catalog files: ${(s.bytesWritten / 1e6).toFixed(1)} MB`,
    `  missing days: ${list(s.daysMissing)}; missing archives: ${list(s.archivesMissing)}`,
  ];
  if (s.daysPartial.length) lines.push(`  partly covered by other files, left alone (use --force to replace): ${list(s.daysPartial)}`);
  if (s.checksumsMissing.length) lines.push(`  WARNING no .CHECKSUM, not verified: ${list(s.checksumsMissing)}`);
  if (s.idGaps.length) {
    const examples = s.idGaps.slice(0, 5).map((g) => `${g.afterId}→${g.nextId} (${g.archive.split('/').pop()} line ${g.line})`);
    lines.push(`  trade-id gaps: ${s.idGaps.length} (${s.missingIds.toLocaleString('en-US')} ids missing), e.g. ${examples.join(', ')}`);
  } else {
    lines.push('  trade-id gaps: none');
  }
  return `${lines.join('\n')}\n`;
}
