import { quoteFrames } from '/work/main/dist/bench/quote-data.js';
import { Catalog } from '/work/main/dist/src/catalog/catalog.js';
import { rm } from 'node:fs/promises';
const frames = [...quoteFrames(1_000_000)];
for (let k = 0; k < 5; k++) {
  await rm('/tmp/wbench', { recursive: true, force: true });
  const c = await Catalog.open('/tmp/wbench', { width: 16 });
  const t = performance.now(); await c.write(frames); console.log(((1e6 / (performance.now() - t)) / 1000).toFixed(2), 'M rows/s');
}
