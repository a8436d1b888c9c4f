// Compiles the AssemblyScript fast paths into `.wasm` files beside the modules that load them
// in dist: each `src/**/wasm/kernels.ts` is an entry that re-exports the kernels of its folder
// (src/catalog/parquet/wasm/kernels.ts → dist/src/catalog/parquet/kernels.wasm). Run by
// `npm run build` after tsc.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const asc = join(root, 'node_modules', '.bin', 'asc');
/** 64 KB pages: 2 MB. */
const INITIAL_PAGES = 32;

function* wasmSources(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* wasmSources(path);
    else if (entry.name === 'kernels.ts' && basename(dirname(path)) === 'wasm') yield path;
  }
}

for (const source of wasmSources(join(root, 'src'))) {
  const out = join(root, 'dist', relative(root, dirname(dirname(source))), source.slice(dirname(source).length + 1).replace(/\.ts$/, '.wasm'));
  // 2 MB of memory from the start, so a read of the usual files never grows it: growing a
  // WebAssembly memory detaches its ArrayBuffer, and after the first detach V8 checks every
  // typed array access of the process for one (see wasm/snappy-decode.ts). Measured in
  // fresh processes: 2 MB holds a day file's footer and its walk; 4–16 MB made V8 run a
  // mark-compact during a cold window read; a shared memory (growing it detaches nothing)
  // made every copy in and out ~10 % slower on a full read.
    // SIMD (128-bit lanes, in Node since 16.4) for the quote facts.
  execFileSync(asc, [source, '--optimize', '--runtime', 'stub', '--noAssert', '--enable', 'simd', '--initialMemory', String(INITIAL_PAGES), '--outFile', out], { stdio: 'inherit' });
}
