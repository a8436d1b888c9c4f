/*
 * AssemblyScript entry, compiled to kernels.wasm (beside ../spike-kernel.ts in dist) by
 * `npm run build`: the validation's WebAssembly kernels. Each spike detector instantiates the
 * module afresh, so the module's globals and memory are that detector's state; the bar scan
 * and the time checks have an instance each (../bar-scan-kernel.ts, ../time-scan-kernel.ts).
 * An instance serves one of them.
 */
export { setUp, pricesAt, spikeRowsAt, spikeMediansAt, spikeScalesAt, restingNow, pushAll } from './spike-test';
export { SPACING, SENTINEL, OHLC, NEGATIVE, DRIFT, setUpBars, barRegion, setSpacing, spacingStarted, spacingLast, closesWritten, scanBars8 } from './bar-scan';
export { DAY, GAP, TIE, ORDER, SKEW, setUpTimes, timeRegion, beginTimes, refreshed, timesStarted, timesLatest, samplesLeft, timesStoppedAt, scanTimes } from './time-scan';
export { TICK_SENTINEL, TICK_CROSSED, TICK_LOCKED, TICK_ZERO, TICK_NEGATIVE, TICK_DRIFT, setUpTicks, tickRegion, setPrecision, pricesWritten, scanQuotes16, scanQuotes8, scanTrades16, scanTrades8 } from './tick-scan';
