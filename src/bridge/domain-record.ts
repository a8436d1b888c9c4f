/**
 * What one bus message becomes: a record for one domain stream, or a pass-through.
 * Field values are always strings, exactly as the payload had them (decimals never
 * through a float); `fields` keeps insertion order, which is the order written to Redis.
 */

export type RecordKind = 'order' | 'fill' | 'position' | 'quote' | 'trade';

/** What OrderInitialized tells us that OrderAccepted does not repeat. */
export interface OrderInit {
  readonly side: string;
  readonly qty: string;
  readonly tif: string;
  readonly order_type: string;
  readonly price: string;
}

export const ORDER_INIT_FIELDS = ['side', 'qty', 'tif', 'order_type', 'price'] as const satisfies readonly (keyof OrderInit)[];

export interface DomainRecord {
  readonly kind: RecordKind;
  readonly stream: string;
  readonly fields: Record<string, string>;
  /** The Nautilus event id (UUID4): the idempotency key. Market data has none. */
  readonly eventId?: string;
  /** ts_init in ns digits, for the lag metric. */
  readonly tsInit?: string;
  /** OrderInitialized: remember these under the client order id. */
  readonly remember?: { readonly clientOrderId: string; readonly init: OrderInit };
  /** OrderAccepted: the client order id whose OrderInit fills side/qty/tif. */
  readonly needsInit?: string;
}

export type Routing =
  | { readonly route: 'domain'; readonly record: DomainRecord }
  /** A message of a type the bridge does not map (Bar, AccountState, …, or no type at all). */
  | { readonly route: 'raw'; readonly type: string }
  | { readonly route: 'heartbeat' };
