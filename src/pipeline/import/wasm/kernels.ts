/*
 * AssemblyScript entry, compiled to kernels.wasm (beside ../trade-kernel.ts in dist) by
 * `npm run build`: the import's WebAssembly kernels, in a module and memory of their own, so
 * the import never shares memory with the catalog's decoders.
 */
export { scanTradeRows, TABLES_END } from './trade-rows';
