/*
 * AssemblyScript entry, compiled to kernels.wasm (beside ../fixed-to-float.ts in dist) by
 * `npm run build`: the model's WebAssembly kernels, in a module and memory of their own.
 */
export { fixed16ToFloat64, fixed8ToFloat64 } from './fixed-to-float';
