/**
 * `seamless maintain stats`: size and rows per type, identifier or day (catalog/stats.ts
 * counts them), and the alerts an operator wants before a backtest trips over the data:
 *
 * | alert           | fires when                                                          |
 * |-----------------|---------------------------------------------------------------------|
 * | `files-per-day` | more than N files start on one UTC day (fragmentation)               |
 * | `small-files`   | an identifier has files under N bytes (one alert per identifier)     |
 * | `large-file`    | a file is over N bytes                                               |
 * | `missing-days`  | days without rows inside an identifier's first..last day (per run)   |
 * | `rows-drop`     | a day has PCT % fewer rows than the median of up to 3 days each side |
 *
 * An identifier's first and last day are usually partial (data starts or stops mid-day), so
 * `rows-drop` neither judges nor compares against them. Gaps in time are not proof of loss
 * (a thin market may not trade for a day), which is why both gap alerts are opt-in.
 */
import { tryResolveDataType } from '../../catalog/data-types.js';
import type { CatalogLayout } from '../../catalog/layout.js';
import { type DayStats, catalogStatsAndFiles } from '../../catalog/stats.js';
import { type Thresholds, thresholdsFor } from './thresholds.js';

export type StatsGrouping = 'type' | 'identifier' | 'day';

export interface StatsRow {
  readonly type: string;
  /** Empty when grouped by type. */
  readonly identifier: string;
  /** `YYYY-MM-DD` by day; `first..last` otherwise. */
  readonly day: string;
  readonly days: number;
  readonly files: number;
  readonly rows: number;
  readonly bytes: number;
}

export interface Alert {
  readonly kind: 'files-per-day' | 'small-files' | 'large-file' | 'missing-days' | 'rows-drop';
  readonly type: string;
  readonly identifier: string;
  /** The day or day range concerned, when there is one. */
  readonly day: string | null;
  /** The measured value and the threshold it crossed. */
  readonly value: number;
  readonly threshold: number;
  readonly message: string;
}

export interface StatsReport {
  readonly by: StatsGrouping;
  readonly rows: StatsRow[];
  readonly alerts: Alert[];
}

interface FileSize {
  readonly name: string;
  readonly size: number;
}

/** Collects statistics and evaluates the thresholds. */
export async function statsReport(layout: CatalogLayout, by: StatsGrouping, thresholds: Thresholds): Promise<StatsReport> {
  const { days, folders } = await catalogStatsAndFiles(layout);
  const sizes = new Map(folders.map((f) => [key(f.folder, f.identifier), f.files]));
  return { by, rows: group(days, by), alerts: evaluate(days, sizes, thresholds) };
}

const key = (folder: string, identifier: string) => `${folder}\u0000${identifier}`;

/** Sums day rows into the requested grouping. */
export function group(days: readonly DayStats[], by: StatsGrouping): StatsRow[] {
  if (by === 'day') return days.map((d) => ({ type: d.folder, identifier: d.identifier, day: d.day, days: 1, files: d.files, rows: d.rows, bytes: d.bytes }));
  const out = new Map<string, { type: string; identifier: string; first: string; last: string; days: Set<string>; files: number; rows: number; bytes: number }>();
  for (const d of days) {
    const identifier = by === 'type' ? '' : d.identifier;
    const k = key(d.folder, identifier);
    const entry = out.get(k) ?? { type: d.folder, identifier, first: d.day, last: d.day, days: new Set<string>(), files: 0, rows: 0, bytes: 0 };
    entry.days.add(d.day);
    if (d.day < entry.first) entry.first = d.day;
    if (d.day > entry.last) entry.last = d.day;
    entry.files += d.files;
    entry.rows += d.rows;
    entry.bytes += d.bytes;
    out.set(k, entry);
  }
  return [...out.values()].map((e) => ({ type: e.type, identifier: e.identifier, day: e.first === e.last ? e.first : `${e.first}..${e.last}`, days: e.days.size, files: e.files, rows: e.rows, bytes: e.bytes }));
}

/** Evaluates every threshold over the day rows and file sizes. */
export function evaluate(days: readonly DayStats[], sizes: ReadonlyMap<string, readonly FileSize[]>, thresholds: Thresholds): Alert[] {
  const alerts: Alert[] = [];
  const series = new Map<string, DayStats[]>();
  for (const d of days) series.set(key(d.folder, d.identifier), [...(series.get(key(d.folder, d.identifier)) ?? []), d]);
  const keys = new Set([...series.keys(), ...sizes.keys()]);
  for (const k of [...keys].sort()) {
    const [type, identifier] = k.split('\u0000') as [string, string];
    const descriptor = tryResolveDataType(type);
    const limits = thresholdsFor(thresholds, descriptor?.key);
    const base = { type, identifier };
    const perDay = (series.get(k) ?? []).filter((d) => d.day !== 'unknown').sort((a, b) => (a.day < b.day ? -1 : 1));
    const files = sizes.get(k) ?? [];
    const maxFiles = limits['max-files-per-day'];
    if (maxFiles !== undefined) {
      for (const d of perDay) {
        if (d.files > maxFiles) alerts.push({ ...base, kind: 'files-per-day', day: d.day, value: d.files, threshold: maxFiles, message: `${d.files} files start on ${d.day} (limit ${maxFiles}); run \`seamless maintain consolidate ${type} ${identifier} --period 1d\`` });
      }
    }
    const minBytes = limits['min-file-bytes'];
    if (minBytes !== undefined) {
      const small = files.filter((f) => f.size < minBytes).sort((a, b) => a.size - b.size);
      if (small.length > 0) alerts.push({ ...base, kind: 'small-files', day: null, value: small.length, threshold: minBytes, message: `${small.length} file(s) under ${minBytes} bytes, smallest ${small[0]!.name} (${small[0]!.size} bytes); consolidate to merge them` });
    }
    const maxBytes = limits['max-file-bytes'];
    if (maxBytes !== undefined) {
      for (const f of files.filter((x) => x.size > maxBytes)) alerts.push({ ...base, kind: 'large-file', day: null, value: f.size, threshold: maxBytes, message: `${f.name} is ${f.size} bytes (limit ${maxBytes}); consolidate with a shorter --period` });
    }
    if (descriptor?.kind !== 'market') continue;
    if (limits['missing-days']) alerts.push(...missingDays(perDay).map((gap) => ({ ...base, kind: 'missing-days' as const, day: gap.text, value: gap.days, threshold: 0, message: `no rows on ${gap.days} day(s) ${gap.text} inside ${perDay[0]!.day}..${perDay[perDay.length - 1]!.day}` })));
    const drop = limits['rows-drop'];
    if (drop !== undefined) alerts.push(...rowsDrops(perDay, drop).map((a) => ({ ...base, ...a })));
  }
  return alerts;
}

const MS_PER_DAY = 86_400_000;
const dayNumber = (day: string) => Date.parse(`${day}T00:00:00Z`) / MS_PER_DAY;
const dayText = (n: number) => new Date(n * MS_PER_DAY).toISOString().slice(0, 10);

/** Runs of days without a row between the first and last day of a sorted series. */
function missingDays(perDay: readonly DayStats[]): Array<{ text: string; days: number }> {
  const gaps: Array<{ text: string; days: number }> = [];
  for (let i = 1; i < perDay.length; i++) {
    const from = dayNumber(perDay[i - 1]!.day) + 1;
    const to = dayNumber(perDay[i]!.day) - 1;
    if (to >= from) gaps.push({ text: from === to ? dayText(from) : `${dayText(from)}..${dayText(to)}`, days: to - from + 1 });
  }
  return gaps;
}

/** Days (not the first or last) whose rows fall `pct` % or more below their neighbours' median. */
function rowsDrops(perDay: readonly DayStats[], pct: number): Array<Omit<Alert, 'type' | 'identifier'>> {
  const inner = perDay.slice(1, -1);
  const out: Array<Omit<Alert, 'type' | 'identifier'>> = [];
  inner.forEach((d, i) => {
    const neighbours = [...inner.slice(Math.max(0, i - 3), i), ...inner.slice(i + 1, i + 4)].map((n) => n.rows).sort((a, b) => a - b);
    if (neighbours.length === 0) return;
    const mid = neighbours.length >> 1;
    const median = neighbours.length % 2 === 1 ? neighbours[mid]! : (neighbours[mid - 1]! + neighbours[mid]!) / 2;
    const dropped = median > 0 ? ((median - d.rows) / median) * 100 : 0;
    if (dropped >= pct) out.push({ kind: 'rows-drop', day: d.day, value: Math.round(dropped * 10) / 10, threshold: pct, message: `${d.day} has ${d.rows} rows, ${dropped.toFixed(1)} % below the median ${median} of its neighbouring days` });
  });
  return out;
}
