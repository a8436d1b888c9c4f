/**
 * Usage of the history verbs, apart from their code so `seamless help` and the catalog
 * verbs start without loading the provider, zod, yaml and prom-client.
 */
import { STRATEGIES } from '../seamless/provider-config.js';

export const HISTORY_USAGE = `seamless fetch <nodeId> --start T --end T [--strategy S] [--format ndjson|csv|table] [--meta]
        [--preset P [--presets-file F] | --world W [--world-preset ID] | --backfill-from CATALOG]
        [--exchange-url URL] [--exchange-ws-url URL]
  rows of a series from the fastest tier that has them; the metadata (tiers, coverage,
  conformance, fingerprint) is the last line on stderr, or on stdout with --meta
seamless stream <nodeId> --from T [--strategy S] [--format ndjson|csv] [--max-rows N] [--duration MS]
        [--preset P | --exchange-url URL --exchange-ws-url URL]
  history from T, then live rows as they happen (until Ctrl-C); handover and gap events are
  JSON lines on stderr
seamless coverage <nodeId> [--json] [--preset P [--presets-file F] | --world W]
  what storage and the coverage ledger know: covered, known-empty, in progress

<nodeId>: ohlcv:{exchange}:{symbol}:{timeframe} (ohlcv:binance:BTC/USDT:1m), tick:{venue}:{symbol},
quote:{venue}:{symbol}. S: ${STRATEGIES.join(', ')}. Ranges are half-open [start, end).
Without a preset the catalog at --catalog is the storage (PARTIAL: what is stored, gaps listed in
the metadata); --backfill-from adds another catalog folder to backfill missing ranges from (AUTO_BACKFILL);
--strategy AUTO_BACKFILL or SEAMLESS without --backfill-from backfills from the exchange in the node id
through ccxt (SEAMLESS adds its websocket as the live tail). --exchange-url / --exchange-ws-url replace
the exchange's REST and websocket base URLs (testnets, proxies, local mirrors), also for presets.`;
