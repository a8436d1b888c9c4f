/**
 * Lease keys name one backfill range of one series: `{nodeId}:{start}:{end}`, with the node
 * id escaped (key-part.ts) and start/end as decimal nanoseconds of the half-open range.
 *
 *   leaseKey('ohlcv:binance:BTC/USDT:1m', 0n, 60_000_000_000n)
 *     === 'ohlcv%3Abinance%3ABTC/USDT%3A1m:0:60000000000'
 *
 * parseLeaseKey(leaseKey(n, s, e)) returns {nodeId: n, start: s, end: e} for every valid
 * input (a property test checks this), so logs and recovery tools can read keys back.
 */
import { SeamlessError } from '../seamless/errors.js';
import { escapeKeyPart, unescapeKeyPart } from './key-part.js';

export interface LeaseRange {
  readonly nodeId: string;
  readonly start: bigint;
  readonly end: bigint;
}

const DECIMAL = /^(0|[1-9][0-9]*)$/;

/**
 * Returns the lease key of `[start, end)` of `nodeId`.
 * Throws SEAMLESS_BAD_NODE_ID for an empty node id, SEAMLESS_BAD_RANGE when start < 0 or end <= start.
 */
export function leaseKey(nodeId: string, start: bigint, end: bigint): string {
  if (nodeId === '') throw new SeamlessError('SEAMLESS_BAD_NODE_ID', 'lease key: the node id is empty', { nodeId });
  if (start < 0n || end <= start) {
    throw new SeamlessError('SEAMLESS_BAD_RANGE', `lease key: the range must satisfy 0 <= start < end, was [${start}, ${end})`, { start, end });
  }
  return `${escapeKeyPart(nodeId)}:${start}:${end}`;
}

/**
 * Returns the node id and range a lease key names.
 * Throws SEAMLESS_BAD_NODE_ID when `key` is not something leaseKey returns.
 */
export function parseLeaseKey(key: string): LeaseRange {
  const parts = key.split(':');
  const [node, start, end] = parts;
  const nodeId = node === undefined ? undefined : unescapeKeyPart(node);
  if (parts.length !== 3 || nodeId === undefined || nodeId === '' || !DECIMAL.test(start ?? '') || !DECIMAL.test(end ?? '')) {
    throw new SeamlessError('SEAMLESS_BAD_NODE_ID', `lease key ${JSON.stringify(key)} is not {escaped node id}:{start ns}:{end ns}`, { key });
  }
  const range = { nodeId, start: BigInt(start!), end: BigInt(end!) };
  if (range.end <= range.start) {
    throw new SeamlessError('SEAMLESS_BAD_RANGE', `lease key ${JSON.stringify(key)}: end must be after start, was [${range.start}, ${range.end})`, { key });
  }
  return range;
}
