/**
 * Streams a whole catalog file in a fresh process (every column decoded, prices and sizes
 * to float64) and prints the peak RSS seen between frames, in bytes.
 */
import { readFile } from '../src/catalog/reader.js';
import { fixedToFloat64 } from '../src/model/fixed-to-float.js';

const [path] = process.argv.slice(2);
let peak = process.memoryUsage().rss;
let rows = 0;
for await (const frame of readFile(path!, 'quote_tick', { width: 16 })) {
  const c = frame.columns;
  for (const column of [c.bid_price, c.ask_price, c.bid_size, c.ask_size]) fixedToFloat64(column);
  rows += frame.length;
  peak = Math.max(peak, process.memoryUsage().rss);
}
process.stdout.write(JSON.stringify({ peak, rows }));
