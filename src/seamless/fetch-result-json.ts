/**
 * Fetch metadata as JSON: ns as decimal strings (JSON numbers lose precision past 2^53)
 * with an ISO-8601 twin for people, so scripts and humans read the same line.
 */
import { nsToIso } from '../model/time.js';
import type { FetchResult } from './fetch-result.js';
import type { TimeRange } from './time-range.js';

function rangeJson(range: TimeRange): Record<string, string> {
  return { start: range.start.toString(), end: range.end.toString(), startIso: nsToIso(range.start), endIso: nsToIso(range.end) };
}

export function fetchMetaJson(result: FetchResult): Record<string, unknown> {
  const { meta } = result;
  const bounds = meta.coverage.bounds;
  return {
    nodeId: meta.nodeId,
    range: rangeJson(meta.range),
    strategy: meta.strategy,
    rows: meta.rows,
    tiers: meta.tiers,
    rowsByTier: meta.rowsByTier,
    coverage: {
      bounds: bounds ? { first: bounds.first.toString(), last: bounds.last.toString(), firstIso: nsToIso(bounds.first), lastIso: nsToIso(bounds.last) } : null,
      ratio: meta.coverage.ratio,
      missing: meta.coverage.missing.map(rangeJson),
    },
    backfill: { ...meta.backfill, empty: meta.backfill.empty.map(rangeJson), skipped: meta.backfill.skipped.map((s) => ({ range: rangeJson(s.range), reason: s.reason })) },
    conformance: meta.conformance,
    stabilizedRows: meta.stabilizedRows,
    downgrade: meta.downgrade ?? null,
    fingerprint: result.fingerprint(),
    artifact: meta.artifact ?? null,
    cached: meta.cached,
    elapsedMs: Math.round(meta.elapsedMs * 1000) / 1000,
  };
}

export function rangesJson(ranges: readonly TimeRange[]): Array<Record<string, string>> {
  return ranges.map(rangeJson);
}
