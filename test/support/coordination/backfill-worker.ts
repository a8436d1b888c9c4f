/**
 * One backfill worker process for the multi-worker lease test: builds a provider over a
 * shared catalog, the exchange simulator and Redis coordination, fetches one range with
 * AUTO_BACKFILL and prints what it did as one JSON line.
 *
 *   node backfill-worker.js <config json>
 */
import { buildProvider } from '../../../src/seamless/build-provider.js';
import { DEFAULT_BACKFILL_POLICY, DEFAULT_CACHE, type ProviderConfig } from '../../../src/seamless/provider-config.js';

interface WorkerConfig {
  catalog: string;
  restUrl: string;
  redisUrl: string;
  nodeId: string;
  start: string;
  end: string;
  nowMs: number;
  chunkBars: number;
}

const input = JSON.parse(process.argv[2] ?? '{}') as WorkerConfig;
const config: ProviderConfig = {
  strategy: 'AUTO_BACKFILL',
  storage: { kind: 'catalog', path: input.catalog, width: 16 },
  backfill: { source: { kind: 'ccxt', restUrl: input.restUrl, pageLimit: input.chunkBars }, policy: { ...DEFAULT_BACKFILL_POLICY, chunkBars: input.chunkBars, maxConcurrent: 2 } },
  coordination: { redisUrl: input.redisUrl, requestsPerSecond: 200, burst: 20, leaseTtlMs: 5000, onOutage: 'fail' },
  cache: DEFAULT_CACHE,
  conformance: {},
  stabilizationBars: 0,
};
const provider = await buildProvider(config, { clock: () => BigInt(input.nowMs) * 1_000_000n });
try {
  const result = await provider.fetch(input.nodeId, { start: BigInt(input.start), end: BigInt(input.end) });
  const ts = result.frames.flatMap((f) => Array.from(f.columns.ts_init, String));
  process.stdout.write(`${JSON.stringify({ rows: result.meta.rows, fetched: result.meta.backfill.fetchedChunks, joined: result.meta.backfill.joinedChunks, first: ts[0], last: ts.at(-1) })}\n`);
} finally {
  await provider.close();
}
