/** SeamlessMetrics: own registry, typed methods, exposition with the expected labels. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry, register as globalRegistry } from 'prom-client';
import { SeamlessMetrics } from '../../src/seamless/metrics.js';

describe('SeamlessMetrics', () => {
  it('exposes every metric with its labels after calls', async () => {
    const metrics = new SeamlessMetrics();
    const node = 'ohlcv:binance:BTC/USDT:1m';
    metrics.observeRequest('SEAMLESS', 'ok', 0.012);
    metrics.observePhase('storage', 0.0003);
    metrics.rowsServed(node, 'storage', 120);
    metrics.rowsServed(node, 'backfill', 30);
    metrics.backfillCall(node);
    metrics.backfillRetry(node);
    metrics.backfillFailure(node);
    metrics.backfillInProgress(1);
    metrics.backfillInProgress(1);
    metrics.backfillInProgress(-1);
    metrics.coverageRatio(node, 0.75);
    metrics.conformanceFlags(node, 'duplicate_ts', 'drop', 3);
    metrics.conformance(node, { rules: { duplicate_ts: { action: 'drop', count: 2 }, bar_gap: { action: 'warn', count: 5 } } });
    metrics.cacheLookup(node, true);
    metrics.cacheLookup(node, false);
    metrics.cacheBytes(4096);
    metrics.slaViolation('storage', 'partial');
    metrics.streamGap(node);

    const text = await metrics.text();
    const expected = [
      'seamless_request_duration_seconds_count{strategy="SEAMLESS",outcome="ok"} 1',
      'seamless_request_duration_seconds_bucket{le="0.0001",strategy="SEAMLESS",outcome="ok"} 0',
      'seamless_request_duration_seconds_bucket{le="60",strategy="SEAMLESS",outcome="ok"} 1',
      'seamless_phase_duration_seconds_count{phase="storage"} 1',
      'seamless_phase_duration_seconds_bucket{le="0.0005",phase="storage"} 1',
      `seamless_rows_served_total{node_id="${node}",tier="storage"} 120`,
      `seamless_rows_served_total{node_id="${node}",tier="backfill"} 30`,
      `seamless_backfill_calls_total{node_id="${node}"} 1`,
      `seamless_backfill_retries_total{node_id="${node}"} 1`,
      `seamless_backfill_failures_total{node_id="${node}"} 1`,
      'seamless_backfill_in_progress 1',
      `seamless_coverage_ratio{node_id="${node}"} 0.75`,
      `seamless_conformance_flags_total{node_id="${node}",rule="duplicate_ts",action="drop"} 5`,
      `seamless_conformance_flags_total{node_id="${node}",rule="bar_gap",action="warn"} 5`,
      `seamless_cache_hits_total{node_id="${node}"} 1`,
      `seamless_cache_misses_total{node_id="${node}"} 1`,
      'seamless_cache_bytes 4096',
      'seamless_sla_violations_total{phase="storage",policy="partial"} 1',
      `seamless_stream_gaps_total{node_id="${node}"} 1`,
    ];
    for (const line of expected) assert.ok(text.includes(line), `exposition should contain ${line}\n${text}`);
    assert.match(metrics.contentType, /^text\/plain; version=0\.0\.4/);
  });

  it('never registers in the global default registry, and instances do not collide', async () => {
    const a = new SeamlessMetrics();
    const b = new SeamlessMetrics();
    a.cacheLookup('x', true);
    assert.equal(globalRegistry.getSingleMetric('seamless_cache_hits_total'), undefined);
    assert.ok((await a.text()).includes('seamless_cache_hits_total{node_id="x"} 1'));
    assert.ok(!(await b.text()).includes('node_id="x"'));
  });

  it('shares a registry passed to several instances', async () => {
    const registry = new Registry();
    const a = new SeamlessMetrics(registry);
    const b = new SeamlessMetrics(registry);
    a.streamGap('n');
    b.streamGap('n');
    assert.ok((await registry.metrics()).includes('seamless_stream_gaps_total{node_id="n"} 2'));
  });

  it('rejects negative or non-finite amounts', () => {
    const metrics = new SeamlessMetrics();
    assert.throws(() => metrics.rowsServed('n', 'cache', -1), RangeError);
    assert.throws(() => metrics.observePhase('total', Number.NaN), RangeError);
    assert.throws(() => metrics.coverageRatio('n', 1.5), RangeError);
  });
});
