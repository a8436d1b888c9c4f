/**
 * The report of a validation run: per file and UTC day, a tally per check that fired
 * (every finding counted, the first few kept as examples), plus catalog-wide totals.
 * `FileFindings` is what the scans write into; it keeps the counts bounded in memory.
 */
import { NS_PER_DAY, nsToIso } from '../../model/time.js';
import { type CheckId, type Severity, severityOf } from './checks.js';

export interface FindingExample {
  /** Position of the row among the rows of the file that were read (0-based). */
  readonly row: number;
  readonly ts_init: string;
  /** ts_init as ISO-8601 UTC. */
  readonly time: string;
  readonly values: Readonly<Record<string, string>>;
}

export interface CheckTally {
  readonly check: CheckId;
  readonly severity: Severity;
  /** Findings (rows or gaps). */
  count: number;
  /** For gaps: missing trade ids or bars in total. */
  amount?: number;
  readonly examples: FindingExample[];
}

export interface DayReport {
  /** `YYYY-MM-DD` (UTC) of ts_init. */
  readonly day: string;
  readonly rows: number;
  readonly errors: number;
  readonly warnings: number;
  readonly checks: CheckTally[];
}

export interface FileReport {
  /** Relative to the catalog root. */
  readonly path: string;
  readonly type: string;
  /** The identifier folder (instrument id or bar type, as escaped on disk). */
  readonly identifier: string;
  readonly rows: number;
  readonly days: DayReport[];
}

export interface CheckTotal {
  readonly severity: Severity;
  count: number;
  amount?: number;
}

export interface ValidationTotals {
  /** Series: one type folder and identifier folder each. */
  readonly series: number;
  readonly files: number;
  readonly rows: number;
  readonly errors: number;
  readonly warnings: number;
}

export interface ValidationReport {
  readonly catalog: string;
  readonly failOn: Severity;
  /** True when a finding at or above `failOn` was found: the CLI exits 1. */
  readonly failed: boolean;
  readonly totals: ValidationTotals;
  /** Totals per check that fired, over the whole run. */
  readonly checks: Partial<Record<CheckId, CheckTotal>>;
  readonly files: FileReport[];
}

interface DayState {
  rows: number;
  readonly tallies: Map<CheckId, CheckTally>;
}

/** Collects the findings of one file; rows are counted per UTC day by the runner. */
export class FileFindings {
  private readonly days = new Map<number, DayState>();
  rows = 0;

  constructor(
    readonly path: string,
    readonly type: string,
    readonly identifier: string,
    private readonly examples: number,
  ) {}

  private day(index: number): DayState {
    let state = this.days.get(index);
    if (!state) {
      state = { rows: 0, tallies: new Map() };
      this.days.set(index, state);
    }
    return state;
  }

  /** Adds `rows` rows to day `dayIndex` (days since the epoch). */
  addRows(dayIndex: number, rows: number): void {
    this.day(dayIndex).rows += rows;
    this.rows += rows;
  }

  /** Records one finding at file row `row` stamped `tsInit`; `amount` adds to the tally's total (gaps). */
  add(check: CheckId, row: number, tsInit: bigint, values: Record<string, string>, amount?: number): void {
    const state = this.day(Number(tsInit / NS_PER_DAY));
    let tally = state.tallies.get(check);
    if (!tally) {
      tally = { check, severity: severityOf(check), count: 0, examples: [] };
      state.tallies.set(check, tally);
    }
    tally.count++;
    if (amount !== undefined) tally.amount = (tally.amount ?? 0) + amount;
    if (tally.examples.length < this.examples) tally.examples.push({ row, ts_init: tsInit.toString(), time: nsToIso(tsInit), values });
  }

  report(): FileReport {
    const days = [...this.days.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([index, state]): DayReport => {
        const checks = [...state.tallies.values()].sort((a, b) => (a.severity === b.severity ? a.check.localeCompare(b.check) : a.severity === 'error' ? -1 : 1));
        const count = (severity: Severity) => checks.reduce((sum, t) => sum + (t.severity === severity ? t.count : 0), 0);
        return { day: nsToIso(BigInt(index) * NS_PER_DAY).slice(0, 10), rows: state.rows, errors: count('error'), warnings: count('warning'), checks };
      });
    return { path: this.path, type: this.type, identifier: this.identifier, rows: this.rows, days };
  }
}

/** Sums file reports into the run's report. */
export function buildReport(catalog: string, series: number, files: FileReport[], failOn: Severity): ValidationReport {
  const checks: Partial<Record<CheckId, CheckTotal>> = {};
  let errors = 0;
  let warnings = 0;
  let rows = 0;
  for (const file of files) {
    rows += file.rows;
    for (const day of file.days) {
      errors += day.errors;
      warnings += day.warnings;
      for (const tally of day.checks) {
        const total = (checks[tally.check] ??= { severity: tally.severity, count: 0 });
        total.count += tally.count;
        if (tally.amount !== undefined) total.amount = (total.amount ?? 0) + tally.amount;
      }
    }
  }
  const failed = errors > 0 || (failOn === 'warning' && warnings > 0);
  return { catalog, failOn, failed, totals: { series, files: files.length, rows, errors, warnings }, checks, files };
}
