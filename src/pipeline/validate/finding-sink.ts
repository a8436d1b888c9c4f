/**
 * Where the scans report findings: rows are frame rows, turned into file rows and stamped
 * with their ts_init here, off the hot path (a finding is rare; a row is not).
 */
import { fixedPrecisionOf, formatRaw } from '../../model/fixed-point.js';
import type { RawView } from '../../seamless/conformance/raw-view.js';
import type { CheckId } from './checks.js';
import type { FileFindings } from './report.js';

export class FrameSink {
  private findings: FileFindings | undefined;
  private ts: BigUint64Array<ArrayBufferLike> = new BigUint64Array(0);
  private offset = 0;

  /** Points the sink at a frame whose row 0 is row `offset` of the file. */
  frame(findings: FileFindings, ts: BigUint64Array, offset: number): void {
    this.findings = findings;
    this.ts = ts;
    this.offset = offset;
  }

  /** Records a finding at row `i` of the current frame. */
  add(check: CheckId, i: number, values: Record<string, string>, amount?: number): void {
    this.findings!.add(check, this.offset + i, this.ts[i]!, values, amount);
  }
}

/** The exact raw `i` of a view as a bigint (for report values, never per row). */
export function rawAt(view: RawView, i: number): bigint {
  let raw = 0n;
  const base = i * view.stride;
  for (let k = view.stride - 1; k >= 0; k--) raw = (raw << 32n) | BigInt(view.words[base + k]!);
  return view.signed ? BigInt.asIntN(view.stride * 32, raw) : raw;
}

/** Raw `i` as decimal text with every decimal it carries (trailing zeros trimmed to at least one). */
export function rawText(view: RawView, i: number): string {
  const width = view.stride === 2 ? 8 : 16;
  const text = formatRaw(rawAt(view, i), fixedPrecisionOf(width), width);
  return text.replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '.0');
}
