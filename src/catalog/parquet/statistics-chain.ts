/**
 * Whether a column's row group statistics form a chain: every group has 8-byte min and max,
 * and each group's min ≤ its max ≤ the next group's min, compared as unsigned 64-bit words.
 * A file sorted by the column (catalog files by `ts_init`) has such statistics, and the row
 * groups meeting a window are then one run that a binary search finds instead of checking
 * every group (a day file has 2,000). The WebAssembly footer walker answers this during its
 * walk; this loop answers it otherwise, and is the reference the walker is tested against.
 */
import type { ColumnStatisticsWords } from './format.js';

/** True when the `count` groups of `stats` are chained (see the file comment); true for none. */
export function statisticsAreChained({ words, present, first, stride }: ColumnStatisticsWords, count: number): boolean {
  let lastHigh = 0;
  let lastLow = 0;
  for (let g = 0, k = first; g < count; g++, k += stride) {
    if (!present[k]) return false;
    const at = 4 * k;
    const minLow = words[at]!;
    const minHigh = words[at + 1]!;
    const maxLow = words[at + 2]!;
    const maxHigh = words[at + 3]!;
    if (minHigh < lastHigh || (minHigh === lastHigh && minLow < lastLow)) return false;
    if (maxHigh < minHigh || (maxHigh === minHigh && maxLow < minLow)) return false;
    lastHigh = maxHigh;
    lastLow = maxLow;
  }
  return true;
}
