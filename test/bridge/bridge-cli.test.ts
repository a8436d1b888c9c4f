// `seamless bridge` with bad flags: a usage error (exit 2) naming what is wrong, before any
// connection is made. `--duration 1s` bounds the run should a check ever let one through.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { run } from '../helpers/cli-run.js';

// Nothing listens on port 1: reaching Redis is not what these tests are about.
const REDIS = ['--redis', 'redis://127.0.0.1:1', '--duration', '1s'];

describe('seamless bridge: bad flags', () => {
  const cases: [string, string[], RegExp][] = [
    ['a malformed duration', ['--claim-idle', '5x'], /--claim-idle must be a duration like 500ms, 30s, 5m, 24h or 7d, was "5x"/],
    ['a duration with an unknown unit', ['--scan-interval', '2w'], /--scan-interval must be a duration/],
    ['an unknown subcommand', ['frobnicate'], /unknown bridge subcommand "frobnicate"/],
    ['a start id other than 0 or $', ['--start-id', 'x'], /--start-id must be one of 0, \$, was "x"/],
  ];
  for (const [what, flags, message] of cases) {
    it(`${what}: exit 2 and a message naming it`, async () => {
      const result = await run('bridge', ...flags, ...REDIS);
      assert.equal(result.code, 2, result.err);
      assert.match(result.err, message);
      assert.equal(result.out, '');
    });
  }

  it('a --duration longer than a timer can wait: exit 2 and the bound', async () => {
    // Without the check Node clamps the timer to 1 ms and the bridge stops at once.
    const result = await run('bridge', '--redis', 'redis://127.0.0.1:1', '--duration', '25d');
    assert.equal(result.code, 2, result.err);
    assert.match(result.err, /--duration must be at most 24d, was "25d"/);
    assert.equal(result.out, '');
  });
});
