/**
 * Prometheus metrics of the bridge (prom-client, own registry like src/seamless/metrics.ts).
 * The first four names are fixed by the issue that asked for the bridge; the rest follow them.
 * Labels are closed sets (record kinds, clocks, flag names), never values from payloads.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RecordKind } from './domain-record.js';

/** 0.1 ms … 10 min: paced live traffic and catching up on a backlog both resolve. */
const LAG_BUCKETS_SECONDS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 600];

/** Which clock the lag is measured from: the source entry id (Redis time at the node's XADD) or the event's ts_init. */
export type LagClock = 'entry_id' | 'ts_init';

export class BridgeMetrics {
  readonly registry = new Registry();
  private readonly processed = this.counter('nautilus_bridge_events_processed', 'Bus entries acknowledged (published, passed through, dead-lettered or duplicate).');
  private readonly orders = this.counter('nautilus_bridge_orders_published', 'Order events published to exec:orders.');
  private readonly fills = this.counter('nautilus_bridge_fills_published', 'Fills published to exec:fills.');
  private readonly redisErrors = this.counter('nautilus_bridge_redis_errors', 'Redis commands or connections that failed (the bridge retries).');
  private readonly published = new Counter<'kind'>({ name: 'nautilus_bridge_records_published', help: 'Records published to domain streams, by kind.', labelNames: ['kind'], registers: [this.registry] });
  private readonly decodeFailures = this.counter('nautilus_bridge_decode_failures', 'Entries that could not be decoded or mapped (sent to bridge:dead).');
  private readonly rawPassed = this.counter('nautilus_bridge_raw_passthrough', 'Messages of unmapped types passed through to bridge:raw.');
  private readonly duplicates = this.counter('nautilus_bridge_duplicates_skipped', 'Entries whose event id was already published (acknowledged only).');
  private readonly notMine = this.counter('nautilus_bridge_entries_lost_to_other_consumer', 'Entries another consumer claimed before this one published them.');
  private readonly publishFailed = this.counter('nautilus_bridge_publish_failures', 'Records Redis refused to append (dead-lettered with the error).');
  private readonly heartbeats = this.counter('nautilus_bridge_heartbeats', 'Node heartbeats seen (acknowledged, not published).');
  private readonly claimed = this.counter('nautilus_bridge_entries_claimed', 'Pending entries re-claimed from idle consumers (XAUTOCLAIM).');
  private readonly deferred = this.counter('nautilus_bridge_entries_deferred', 'OrderAccepted entries put back because their OrderInitialized was not known yet.');
  private readonly incomplete = this.counter('nautilus_bridge_orders_incomplete', 'OrderAccepted published without side/qty/tif (OrderInitialized never seen in time).');
  private readonly archived = this.counter('nautilus_bridge_fills_archived', 'Fills appended to the hash-chained archive.');
  private readonly groupsCreated = this.counter('nautilus_bridge_groups_created', 'Consumer groups created (first sight of a stream, or after Redis lost them).');
  private readonly lag = new Histogram<'clock'>({ name: 'nautilus_bridge_lag_seconds', help: 'Per published batch, the largest time from an event (source entry id, or ts_init) to its publish.', labelNames: ['clock'], buckets: LAG_BUCKETS_SECONDS, registers: [this.registry] });
  private readonly pending = new Gauge({ name: 'nautilus_bridge_pending_entries', help: 'Entries delivered to the group but not yet acknowledged, over all source streams.', registers: [this.registry] });
  private readonly streams = new Gauge({ name: 'nautilus_bridge_source_streams', help: 'Source streams being consumed.', registers: [this.registry] });
  private readonly mode = new Gauge<'mode'>({ name: 'nautilus_bridge_mode', help: 'The halt switch (key `mode`): 1 for the current value.', labelNames: ['mode'], registers: [this.registry] });
  private readonly features = new Gauge<'flag'>({ name: 'nautilus_bridge_feature_flag', help: 'Feature flags (features:*), 1 when enabled.', labelNames: ['flag'], registers: [this.registry] });

  private counter(name: string, help: string): Counter<string> {
    return new Counter({ name, help, registers: [this.registry] });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  /** Counts a batch's outcome. */
  batch(outcome: { acked: number; duplicates: number; notMine: number; publishFailures: number; published: Partial<Record<RecordKind, number>> }): void {
    if (outcome.acked) this.processed.inc(outcome.acked);
    if (outcome.duplicates) this.duplicates.inc(outcome.duplicates);
    if (outcome.notMine) this.notMine.inc(outcome.notMine);
    if (outcome.publishFailures) this.publishFailed.inc(outcome.publishFailures);
    for (const [kind, n] of Object.entries(outcome.published)) {
      if (!n) continue;
      this.published.inc({ kind }, n);
      if (kind === 'order') this.orders.inc(n);
      if (kind === 'fill') this.fills.inc(n);
    }
  }

  // Children looked up once: observe() with a label object hashes the labels every call.
  private readonly lagByClock = { entry_id: this.lag.labels('entry_id'), ts_init: this.lag.labels('ts_init') };

  observeLag(clock: LagClock, seconds: number): void {
    if (Number.isFinite(seconds)) this.lagByClock[clock].observe(Math.max(0, seconds));
  }

  redisError(): void {
    this.redisErrors.inc();
  }

  decodeFailure(n = 1): void {
    this.decodeFailures.inc(n);
  }

  rawPassthrough(n = 1): void {
    this.rawPassed.inc(n);
  }

  heartbeat(n = 1): void {
    this.heartbeats.inc(n);
  }

  entriesClaimed(n: number): void {
    this.claimed.inc(n);
  }

  entryDeferred(): void {
    this.deferred.inc();
  }

  orderIncomplete(): void {
    this.incomplete.inc();
  }

  fillsArchived(n: number): void {
    this.archived.inc(n);
  }

  groupCreated(): void {
    this.groupsCreated.inc();
  }

  pendingEntries(n: number): void {
    this.pending.set(n);
  }

  sourceStreams(n: number): void {
    this.streams.set(n);
  }

  flags(mode: string, features: Readonly<Record<string, boolean>>): void {
    this.mode.reset();
    this.mode.set({ mode }, 1);
    for (const [flag, on] of Object.entries(features)) this.features.set({ flag }, on ? 1 : 0);
  }

  /** Value of a counter (tests and the bench read these). */
  async count(name: string): Promise<number> {
    const metric = this.registry.getSingleMetric(name);
    if (!metric) throw new Error(`no metric ${name}`);
    const { values } = await metric.get();
    return values.reduce((sum, v) => sum + v.value, 0);
  }
}
