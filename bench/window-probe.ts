/**
 * One cold window read, run in a fresh process by the benchmark: open the catalog, read a
 * 1-minute window at the given offset, print the milliseconds (after module loading).
 */
import { Catalog } from '../src/catalog/catalog.js';
import { NS_PER_MINUTE } from '../src/model/time.js';

const [root, instrument, startText] = process.argv.slice(2);
const start = BigInt(startText!);
const started = performance.now();
const catalog = await Catalog.open(root!, { width: 16 });
let rows = 0;
for await (const frame of catalog.read('quote_tick', instrument!, { start, end: start + NS_PER_MINUTE })) rows += frame.length;
process.stdout.write(JSON.stringify({ ms: performance.now() - started, rows }));
