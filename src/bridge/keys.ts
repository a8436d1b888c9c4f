/**
 * Every Redis key and stream name the bridge reads or writes, built in one place.
 *
 *   exec:orders                        stream: order lifecycle events (status=accepted, …)
 *   exec:fills                         stream: one entry per OrderFilled (deduplicated by event id)
 *   exec:positions                     stream: position opened/changed/closed
 *   market.raw.<VENUE>.<symbol>        stream: quotes (<asset> is the venue, see docs/bridge.md)
 *   market.raw.trades.<symbol>         stream: trades
 *   bridge:raw                         stream: decoded messages of types the bridge does not map
 *   bridge:dead                        stream: entries that could not be decoded, with the reason
 *   bridge:seen:<event_id>             string, EX: the event was published (idempotency)
 *   bridge:order:<client_order_id>     hash, EX: side/qty/tif/… from OrderInitialized
 *   exec:fills:archive                 stream: hash-chained copy of exec:fills, never trimmed
 *   exec:fills:archive:head            hash {id, hash}: the archive's last entry
 *   features:nautilus_engine, …, mode  strings: feature flags and the halt switch
 *   audit:flags                        stream: every flag change (flag, old, new, who, ts_ns)
 *   nautilus:mode:acks                 stream: the node-side actor's acks (mode, state, trader_id, ts_ns)
 *
 * `prefix` (default none) is put in front of every key the bridge owns, so tests and several
 * deployments in one Redis do not collide; the node's own stream keys are never prefixed.
 */

/** SCAN pattern matching NautilusTrader's default stream keys (`trader-{id}:stream[:{topic}]`). */
export const DEFAULT_SOURCE_PATTERN = 'trader-*:stream*';
export const DEFAULT_GROUP = 'seamless-bridge';
export const ARCHIVE_GROUP = 'seamless-archive';
/** The first hash of the chain links to this. */
export const GENESIS_HASH = '0'.repeat(64);

export class BridgeKeys {
  constructor(readonly prefix = '') {}

  private key(name: string): string {
    return `${this.prefix}${name}`;
  }

  get orders(): string {
    return this.key('exec:orders');
  }

  get fills(): string {
    return this.key('exec:fills');
  }

  get positions(): string {
    return this.key('exec:positions');
  }

  quotes(venue: string, symbol: string): string {
    return this.key(`market.raw.${venue}.${symbol}`);
  }

  trades(symbol: string): string {
    return this.key(`market.raw.trades.${symbol}`);
  }

  get raw(): string {
    return this.key('bridge:raw');
  }

  get dead(): string {
    return this.key('bridge:dead');
  }

  seen(eventId: string): string {
    return this.key(`bridge:seen:${eventId}`);
  }

  orderInit(clientOrderId: string): string {
    return this.key(`bridge:order:${clientOrderId}`);
  }

  get archive(): string {
    return this.key('exec:fills:archive');
  }

  get archiveHead(): string {
    return this.key('exec:fills:archive:head');
  }

  flag(name: string): string {
    return this.key(name);
  }

  get flagAudit(): string {
    return this.key('audit:flags');
  }

  get modeAcks(): string {
    return this.key('nautilus:mode:acks');
  }
}
