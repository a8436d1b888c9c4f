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
/** 64 KB pages: 1 GB. */
const MAXIMUM_PAGES = 16384;

function* wasmSources(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* wasmSources(path);
    else if (entry.name === 'kernels.ts' && basename(dirname(path)) === 'wasm') yield path;
  }
}

for (const source of wasmSources(join(root, 'src'))) {
  const out = join(root, 'dist', relative(root, dirname(dirname(source))), source.slice(dirname(source).length + 1).replace(/\.ts$/, '.wasm'));
  // Shared memory: growing a shared WebAssembly memory leaves the old SharedArrayBuffer valid,
  // where growing a plain one detaches its ArrayBuffer, and after a detach V8 checks every
  // typed array access of the process for one (see wasm/snappy-decode.ts). A shared memory
  // needs a maximum; it is only reserved address space until the kernels grow into it.
  execFileSync(asc, [source, '--optimize', '--runtime', 'stub', '--noAssert', '--enable', 'threads', '--sharedMemory', '--maximumMemory', String(MAXIMUM_PAGES), '--outFile', out], { stdio: 'inherit' });
}
