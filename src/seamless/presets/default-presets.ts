/**
 * The presets used when no presets file is given. Kept as a TS string (tsc does not copy
 * .yaml files to dist) and parsed through the same loader, so it is validated like any file.
 */
export const DEFAULT_PRESETS_YAML = `# seamless presets (version 1). Copy this file and pass it with --presets to customise.
version: 1

sla_presets:
  # Interactive use: answer quickly, return what is there if backfill runs long.
  interactive:
    storage_ms: 500
    backfill_ms: 10000
    total_ms: 15000
    on_violation: partial
  # Batch jobs: generous budget, but a late answer is a failure, not a partial one.
  batch:
    total_ms: 600000
    on_violation: fail

conformance_presets:
  # The conformance layer's own defaults.
  default:
    rules: {}
  # Research that must not see bad rows at all.
  strict:
    rules:
      bar_ohlc: block
      bar_grid: block
      bar_non_finite: block
      trade_price: block
      trade_size: block
      quote_crossed: block

data_presets:
  # A local catalog ($NAUTILUS_PATH/catalog, else ./catalog); missing data is an error.
  catalog.local:
    provider:
      preset: catalog
    strategy: FAIL_FAST
    conformance_preset: default
  # Example: fill gaps in the local catalog from another catalog folder.
  catalog.mirror.local:
    provider:
      preset: catalog.mirror
      options:
        source_path: ./source-catalog
    sla_preset: interactive
    conformance_preset: default
  # Binance through ccxt into the local catalog: REST backfill, websocket live tail.
  # Set REDIS_URL to share one rate limit and one fetch per range across processes.
  ohlcv.binance.spot.1m:
    provider:
      preset: ohlcv.binance.spot.1m
    conformance_preset: default
  ohlcv.binance.usdm.1m:
    provider:
      preset: ohlcv.binance.usdm.1m
    conformance_preset: default
  trades.binance.spot:
    provider:
      preset: trades.binance.spot
    conformance_preset: default
  trades.binance.usdm:
    provider:
      preset: trades.binance.usdm
    conformance_preset: default
  quotes.binance.spot:
    provider:
      preset: quotes.binance.spot
    conformance_preset: default
`;
