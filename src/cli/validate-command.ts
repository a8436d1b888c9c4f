/**
 * `seamless validate`: data-quality report of a catalog per file and UTC day. Exit codes:
 * 0 nothing at the --fail-on level, 1 findings at that level (or a catalog error), 2 a
 * usage mistake.
 */
import { isCatalogError } from '../catalog/errors.js';
import { marketType } from '../catalog/reader.js';
import type { MarketDataType } from '../model/frames.js';
import { printReport, reportJson } from '../pipeline/validate/format.js';
import { DURATION, MAX_JOBS, type ValidateOptions, ValidateOptionError, resolveOptions } from '../pipeline/validate/options.js';
import { validateCatalog } from '../pipeline/validate/runner.js';
import { UsageError, catalogPath, choiceFlag, durationFlag, intFlag, numberFlag, parseVerbArgs, timeFlag } from './args.js';
import type { Output } from './output.js';

export const VALIDATE_USAGE = `seamless validate [<type> [<id>]] [--catalog PATH] [--start T] [--end T] [--json]
        [--spike-window N] [--spike-mads K] [--gap-factor F] [--gap-floor DURATION]
        [--max-skew DURATION] [--examples N] [--fail-on error|warning] [--jobs N|auto]

  Checks market data per file and UTC day: trade id gaps, suspected time gaps, price spikes,
  crossed/locked quotes, zero/negative sizes, ts_init order and duplicates, ts_event/ts_init
  skew, precision drift, bar OHLC and spacing. Exit 1 when a finding at the --fail-on level
  (default error) is found. DURATION: 500ms, 60s, 5m, 1h or nanoseconds. --jobs: series
  validated at once, on this thread and worker threads (default auto: one per core, up to 8,
  for two series or more holding 64 MB or more). See docs/validate.md.`;

const FLAGS = {
  start: { type: 'string' },
  end: { type: 'string' },
  json: { type: 'boolean' },
  'spike-window': { type: 'string' },
  'spike-mads': { type: 'string' },
  'gap-factor': { type: 'string' },
  'gap-floor': { type: 'string' },
  'max-skew': { type: 'string' },
  examples: { type: 'string' },
  'fail-on': { type: 'string' },
  jobs: { type: 'string' },
} as const;

function duration(name: string, text: string | undefined): bigint | undefined {
  return durationFlag(name, text?.trim(), DURATION, ': duration must be an integer with an optional unit ns, us, ms, s, m, h or d (e.g. 500ms, 60s, 5m)');
}

function typeArgument(text: string | undefined): MarketDataType | undefined {
  if (text === undefined) return undefined;
  try {
    return marketType(text).key;
  } catch (error) {
    if (isCatalogError(error)) throw new UsageError(error.message);
    throw error;
  }
}

export async function runValidate(argv: string[], out: Output): Promise<number> {
  const { values, positionals } = parseVerbArgs(argv, FLAGS, VALIDATE_USAGE);
  if (positionals.length > 2) throw new UsageError(`validate takes at most <type> and <id>, was ${positionals.length} arguments`);
  const options: ValidateOptions = {
    type: typeArgument(positionals[0]),
    identifier: positionals[1],
    start: timeFlag('start', values.start),
    end: timeFlag('end', values.end),
    spikeWindow: intFlag('spike-window', values['spike-window'], { min: 3, max: 100_000 }),
    spikeMads: numberFlag('spike-mads', values['spike-mads']),
    gapFactor: numberFlag('gap-factor', values['gap-factor']),
    gapFloorNs: duration('gap-floor', values['gap-floor']),
    maxSkewNs: duration('max-skew', values['max-skew']),
    examples: intFlag('examples', values.examples),
    failOn: choiceFlag('fail-on', values['fail-on'], ['error', 'warning'] as const),
    jobs: values.jobs === undefined || values.jobs === 'auto' ? 'auto' : intFlag('jobs', values.jobs, { min: 1, max: MAX_JOBS }),
  };
  try {
    resolveOptions(options);
  } catch (error) {
    if (error instanceof ValidateOptionError) throw new UsageError(error.message);
    throw error;
  }
  const root = catalogPath(values.catalog);
  let report;
  try {
    report = await validateCatalog(root, options);
  } catch (error) {
    if (isCatalogError(error, 'CATALOG_BAD_IDENTIFIER') || isCatalogError(error, 'CATALOG_PATH_ESCAPE')) throw new UsageError(error.message);
    throw error;
  }
  if (options.identifier !== undefined && report.totals.files === 0 && options.start === undefined && options.end === undefined) {
    throw new UsageError(`no ${options.type} files for ${JSON.stringify(options.identifier)} in ${report.catalog}; see \`seamless catalog ls\``);
  }
  if (values.json) out.write(reportJson(report));
  else printReport(report, out);
  return report.failed ? 1 : 0;
}
