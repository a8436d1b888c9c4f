/**
 * The report as text: a summary line, one table row per file and UTC day, and a table of
 * the kept examples. (`--json` prints the ValidationReport itself.)
 */
import { type Output, printTable } from '../../cli/output.js';
import type { CheckTally, ValidationReport } from './report.js';

function tallyText(tally: CheckTally): string {
  return `${tally.check} ${tally.count}${tally.amount !== undefined ? ` (${tally.amount} missing)` : ''}`;
}

export function printReport(report: ValidationReport, out: Output): void {
  const { totals } = report;
  const verdict = report.failed ? `FAILED (findings at ${report.failOn} level)` : 'passed';
  out.write(`validated ${totals.series} series, ${totals.files} files, ${totals.rows} rows in ${report.catalog}: ${totals.errors} errors, ${totals.warnings} warnings — ${verdict}\n`);
  if (totals.files === 0) return;
  const rows: string[][] = [];
  const examples: string[][] = [];
  for (const file of report.files) {
    if (file.days.length === 0) rows.push([file.path, '', '0', '0', '0', 'no rows']);
    for (const day of file.days) {
      rows.push([file.path, day.day, String(day.rows), String(day.errors), String(day.warnings), day.checks.length === 0 ? 'ok' : day.checks.map(tallyText).join(', ')]);
      for (const tally of day.checks) {
        for (const example of tally.examples) {
          const values = Object.entries(example.values).map(([k, v]) => `${k}=${v}`).join(' ');
          examples.push([tally.severity, tally.check, file.path, String(example.row), example.time, values]);
        }
      }
    }
  }
  out.write('\n');
  printTable(out, ['file', 'day', 'rows', 'errors', 'warnings', 'findings'], rows);
  if (examples.length > 0) {
    out.write('\n');
    printTable(out, ['severity', 'check', 'file', 'row', 'ts_init', 'values'], examples);
  }
}

export function reportJson(report: ValidationReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
