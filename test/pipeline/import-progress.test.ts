/** The import's progress output: a redrawn bar on a terminal, one plain line per archive otherwise. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Progress } from '../../src/pipeline/import/progress.js';

function sink(isTTY: boolean): { isTTY: boolean; text: string[]; write(t: string): void } {
  const text: string[] = [];
  return { isTTY, text, write: (t) => void text.push(t) };
}

describe('import progress', () => {
  it('prints one plain line per archive when stderr is not a terminal', () => {
    const out = sink(false);
    const progress = new Progress(2, out);
    progress.archive('https://x/data/spot/daily/trades/BTCUSDT/BTCUSDT-trades-2025-01-01.zip', 1000);
    progress.read(500);
    progress.addRows(1234);
    progress.archiveDone();
    progress.archive('BTCUSDT-trades-2025-01-02.zip', 0);
    progress.archiveDone('missing');
    progress.finish();
    assert.equal(out.text.length, 2);
    assert.match(out.text[0]!, /^import: \[1\/2\] BTCUSDT-trades-2025-01-01\.zip 1,234 rows, [\d.]+ [kM] rows\/s\n$/);
    assert.match(out.text[1]!, /^import: \[2\/2\] BTCUSDT-trades-2025-01-02\.zip 0 rows \(missing\), /);
  });

  it('redraws a bar with share, rate and ETA on a terminal, and clears it at the end', () => {
    const out = sink(true);
    const progress = new Progress(4, out);
    progress.archive('a.zip', 1000);
    progress.addRows(10);
    progress.read(250);
    assert.match(out.text.at(-1)!, /^\r\x1b\[2K\[[#.]{20}\] 0\/4 a\.zip 25% [\d.]+ [kM] rows\/s ETA (\d+s|\d+m\d\ds|--)$/);
    progress.archiveDone();
    assert.match(out.text.at(-1)!, / 1\/4 a\.zip /);
    progress.finish();
    assert.equal(out.text.at(-1), '\r\x1b[2K');
  });

  it('stays silent when disabled', () => {
    const out = sink(false);
    const progress = new Progress(1, out, false);
    progress.archive('a.zip', 1);
    progress.archiveDone();
    progress.finish();
    assert.deepEqual(out.text, []);
  });
});
