/**
 * Prometheus metrics of the history provider, behind small typed methods so callers never
 * spell a label name. Each instance owns a registry (never prom-client's global default), so
 * tests and several providers in one process do not collide; providers that should share one
 * `/metrics` endpoint pass the same registry, and the metrics already in it are reused.
 *
 * Labels stay low-cardinality: node ids, tiers, phases, strategies, rule names, outcomes.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RuleAction, SlaPhase, SlaViolationPolicy, Strategy } from './provider-config.js';

export type RequestOutcome = 'ok' | 'error';
/** Where served rows came from. */
export type ServeTier = 'cache' | 'storage' | 'backfill' | 'live';

/** 0.1 ms … 60 s, roughly 1-2.5-5 per decade: cache hits and slow backfills both resolve. */
export const DURATION_BUCKETS_SECONDS: readonly number[] = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
];

/** The part of a conformance report the metrics need (see conformance/engine.ts). */
export interface ConformanceCounts {
  readonly rules: Readonly<Record<string, { readonly action: RuleAction; readonly count: number }>>;
}

type AnyMetric = Counter<string> | Gauge<string> | Histogram<string>;

export class SeamlessMetrics {
  readonly registry: Registry;

  private readonly requestDuration: Histogram<'strategy' | 'outcome'>;
  private readonly phaseDuration: Histogram<'phase'>;
  private readonly rowsServedTotal: Counter<'node_id' | 'tier'>;
  private readonly backfillCalls: Counter<'node_id'>;
  private readonly backfillRetries: Counter<'node_id'>;
  private readonly backfillFailures: Counter<'node_id'>;
  private readonly backfillInProgressGauge: Gauge<string>;
  private readonly coverageGauge: Gauge<'node_id'>;
  private readonly conformanceFlagsTotal: Counter<'node_id' | 'rule' | 'action'>;
  private readonly cacheHits: Counter<'node_id'>;
  private readonly cacheMisses: Counter<'node_id'>;
  private readonly cacheBytesGauge: Gauge<string>;
  private readonly slaViolations: Counter<'phase' | 'policy'>;
  private readonly streamGaps: Counter<'node_id'>;

  constructor(registry: Registry = new Registry()) {
    this.registry = registry;
    const histogram = <T extends string>(name: string, help: string, labelNames: readonly T[]): Histogram<T> =>
      this.reuse(name, Histogram, () => new Histogram<T>({ name, help, labelNames, buckets: [...DURATION_BUCKETS_SECONDS], registers: [registry] }));
    const counter = <T extends string>(name: string, help: string, labelNames: readonly T[]): Counter<T> =>
      this.reuse(name, Counter, () => new Counter<T>({ name, help, labelNames, registers: [registry] }));
    const gauge = <T extends string>(name: string, help: string, labelNames: readonly T[]): Gauge<T> =>
      this.reuse(name, Gauge, () => new Gauge<T>({ name, help, labelNames, registers: [registry] }));

    this.requestDuration = histogram('seamless_request_duration_seconds', 'Duration of history requests.', ['strategy', 'outcome']);
    this.phaseDuration = histogram('seamless_phase_duration_seconds', 'Duration of request phases (storage, backfill, live, total).', ['phase']);
    this.rowsServedTotal = counter('seamless_rows_served_total', 'Rows returned to callers, by the tier they came from.', ['node_id', 'tier']);
    this.backfillCalls = counter('seamless_backfill_calls_total', 'Backfill chunk calls started.', ['node_id']);
    this.backfillRetries = counter('seamless_backfill_retries_total', 'Backfill chunk calls retried after an error.', ['node_id']);
    this.backfillFailures = counter('seamless_backfill_failures_total', 'Backfill chunks that failed after all retries.', ['node_id']);
    this.backfillInProgressGauge = gauge('seamless_backfill_in_progress', 'Backfill chunks currently running.', []);
    this.coverageGauge = gauge('seamless_coverage_ratio', 'Share of the last requested range that storage covered (0..1).', ['node_id']);
    this.conformanceFlagsTotal = counter('seamless_conformance_flags_total', 'Rows flagged by conformance rules.', ['node_id', 'rule', 'action']);
    this.cacheHits = counter('seamless_cache_hits_total', 'Memory cache lookups that were served.', ['node_id']);
    this.cacheMisses = counter('seamless_cache_misses_total', 'Memory cache lookups that missed.', ['node_id']);
    this.cacheBytesGauge = gauge('seamless_cache_bytes', 'Bytes held by the memory cache.', []);
    this.slaViolations = counter('seamless_sla_violations_total', 'SLA budgets exceeded, by phase and violation policy.', ['phase', 'policy']);
    this.streamGaps = counter('seamless_stream_gaps_total', 'Gaps detected in live streams (disconnects, missing bars).', ['node_id']);
  }

  /** The Content-Type header value for `text()`. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** The Prometheus text exposition of every metric in the registry. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  observeRequest(strategy: Strategy, outcome: RequestOutcome, seconds: number): void {
    this.requestDuration.observe({ strategy, outcome }, nonNegative(seconds, 'seconds'));
  }

  observePhase(phase: SlaPhase, seconds: number): void {
    this.phaseDuration.observe({ phase }, nonNegative(seconds, 'seconds'));
  }

  rowsServed(nodeId: string, tier: ServeTier, rows: number): void {
    this.rowsServedTotal.inc({ node_id: nodeId, tier }, nonNegative(rows, 'rows'));
  }

  backfillCall(nodeId: string): void {
    this.backfillCalls.inc({ node_id: nodeId });
  }

  backfillRetry(nodeId: string): void {
    this.backfillRetries.inc({ node_id: nodeId });
  }

  backfillFailure(nodeId: string): void {
    this.backfillFailures.inc({ node_id: nodeId });
  }

  /** +1 when a backfill chunk starts, -1 when it ends however it ends. */
  backfillInProgress(delta: number): void {
    if (!Number.isFinite(delta)) throw new RangeError(`backfill in-progress delta must be finite, was ${delta}`);
    this.backfillInProgressGauge.inc(delta);
  }

  coverageRatio(nodeId: string, ratio: number): void {
    if (!(ratio >= 0 && ratio <= 1)) throw new RangeError(`coverage ratio must be within [0, 1], was ${ratio}`);
    this.coverageGauge.set({ node_id: nodeId }, ratio);
  }

  conformanceFlags(nodeId: string, rule: string, action: RuleAction, rows: number): void {
    this.conformanceFlagsTotal.inc({ node_id: nodeId, rule, action }, nonNegative(rows, 'rows'));
  }

  /** Counts results of a conformance check: one increment per rule that fired. */
  conformance(nodeId: string, report: ConformanceCounts): void {
    for (const [rule, outcome] of Object.entries(report.rules)) this.conformanceFlags(nodeId, rule, outcome.action, outcome.count);
  }

  cacheLookup(nodeId: string, hit: boolean): void {
    (hit ? this.cacheHits : this.cacheMisses).inc({ node_id: nodeId });
  }

  cacheBytes(bytes: number): void {
    this.cacheBytesGauge.set(nonNegative(bytes, 'bytes'));
  }

  slaViolation(phase: SlaPhase, policy: SlaViolationPolicy): void {
    this.slaViolations.inc({ phase, policy });
  }

  streamGap(nodeId: string): void {
    this.streamGaps.inc({ node_id: nodeId });
  }

  /** Returns the metric already registered under `name` (a shared registry), else a new one. */
  private reuse<M extends AnyMetric>(name: string, kind: abstract new (...args: never[]) => AnyMetric, create: () => M): M {
    const existing = this.registry.getSingleMetric(name);
    if (existing === undefined) return create();
    if (!(existing instanceof kind)) throw new TypeError(`registry already holds ${name} as a different metric type`);
    return existing as M;
  }
}

function nonNegative(value: number, what: string): number {
  // prom-client throws on negative counter increments; NaN would silently poison sums.
  if (!(value >= 0) || !Number.isFinite(value)) throw new RangeError(`${what} must be a finite number >= 0, was ${value}`);
  return value;
}
