/*
 * AssemblyScript entry, compiled to kernels.wasm by `npm run build`: the catalog's
 * WebAssembly kernels in one module, so a process reads, compiles and instantiates one
 * module (about 0.3 ms each in a fresh process) and every kernel works in one memory.
 * Each kernel lives in its own file; see footer-walk.ts for why WebAssembly at all.
 */
export { walkRowGroups, uniformColumns, chainedColumns } from './footer-walk';
export { expandDictionaryPage } from './dictionary-expand';
export { buildDictionary } from './dictionary-build';
export { markInWindow } from './u64-window';
export { snappyDecode, SLACK } from './snappy-decode';
export { askAboveBid16, askAboveBid8, sizesPlausible16, sizesPlausible8, timesInOrder } from './quote-facts';
export { bars16, bars8, topWordsBelow, timesOnStride } from './bar-facts';
export { tradePrices16, tradePrices8, tradeSizes16 } from './trade-facts';
export { idsCountUp } from './trade-ids';
export { plainDecimals } from './decimal-text';
export { minMaxAt } from './min-max';
export { encodeHybrid } from './hybrid-encode';
