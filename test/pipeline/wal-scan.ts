/**
 * A segment's records collected as objects, for tests that compare them: `walkSegment` visits
 * them without allocating (conversion and recovery need no more), so the collecting lives here.
 */
import { readFile } from 'node:fs/promises';
import { RECORD_HEADER_BYTES } from '../../src/pipeline/capture/record-codec.js';
import { type SegmentWalk, walkSegment } from '../../src/pipeline/capture/wal-segment.js';

export interface ScannedRecord {
  /** Offset of the record's header in the file. */
  readonly offset: number;
  readonly payload: Buffer;
}

export interface SegmentScan extends SegmentWalk {
  readonly path: string;
  readonly records: ScannedRecord[];
}

/** Reads a segment and collects its whole, CRC-valid records. */
export async function scanSegment(path: string): Promise<SegmentScan> {
  return scanSegmentBytes(path, await readFile(path));
}

/** `scanSegment` over bytes in memory (the fuzz tests call it directly). */
export function scanSegmentBytes(path: string, data: Buffer): SegmentScan {
  const records: ScannedRecord[] = [];
  const walk = walkSegment(data, (start, end) => {
    records.push({ offset: start - RECORD_HEADER_BYTES, payload: data.subarray(start, end) });
  });
  return { path, records, ...walk };
}
