/**
 * Numeric CLI flags: plain decimals only (no sign, exponent, spaces or words), inside the
 * flag's bounds, and an error that names the flag, what it expects and what was given.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError, numberFlag } from '../../src/cli/args.js';

function rejection(text: string, bounds?: Parameters<typeof numberFlag>[2]): string {
  try {
    numberFlag('rate', text, bounds);
  } catch (error) {
    assert.ok(error instanceof UsageError, `"${text}" threw ${(error as Error).name}, not UsageError`);
    return error.message;
  }
  assert.fail(`"${text}" was accepted`);
}

describe('numberFlag', () => {
  it('reads plain decimals and leaves an absent flag undefined', () => {
    assert.equal(numberFlag('rate', '10'), 10);
    assert.equal(numberFlag('rate', '2.5'), 2.5);
    assert.equal(numberFlag('rate', '007'), 7);
    assert.equal(numberFlag('rate', undefined), undefined);
  });

  it('refuses anything but digits with an optional fraction, naming the flag and the text', () => {
    for (const text of ['-1', '+1', '1e3', ' 5', '5 ', '', '.5', '5.', 'abc', 'Infinity', 'NaN', '0x10', '1,5']) {
      assert.equal(rejection(text), `--rate must be a positive number like 10 or 2.5, was "${text}"`);
    }
  });

  it('holds values in (above, max]: the lower bound excluded, the upper included', () => {
    const bounds = { above: 0, max: 100, expected: 'a share above 0 and at most 100' };
    assert.equal(numberFlag('rate', '100', bounds), 100);
    assert.equal(numberFlag('rate', '0.001', bounds), 0.001);
    assert.equal(rejection('0', bounds), '--rate must be a share above 0 and at most 100, was "0"');
    assert.equal(rejection('100.5', bounds), '--rate must be a share above 0 and at most 100, was "100.5"');
  });

  it('refuses a decimal too long to be a finite number', () => {
    assert.match(rejection('9'.repeat(400)), /^--rate must be a positive number/);
  });
});
