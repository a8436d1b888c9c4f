/** Assertions shared by the history API tests. */
import assert from 'node:assert/strict';
import { SeamlessError, type SeamlessErrorCode } from '../../src/seamless/errors.js';

/**
 * A validator for `assert.throws` / `assert.rejects`: the error is a SeamlessError with
 * `code` whose message matches every pattern.
 */
export function seamlessError(code: SeamlessErrorCode, ...patterns: RegExp[]): (error: unknown) => true {
  return (error: unknown) => {
    assert.ok(error instanceof SeamlessError, `expected SeamlessError, got ${String(error)}`);
    assert.equal(error.code, code);
    for (const pattern of patterns) assert.match(error.message, pattern);
    return true;
  };
}

/** Asserts `fn` throws a SeamlessError with `code` whose message matches every pattern; returns it. */
export function throwsSeamless(fn: () => unknown, code: SeamlessErrorCode, ...patterns: RegExp[]): SeamlessError {
  let caught: unknown;
  assert.throws(fn, (error: unknown) => {
    caught = error;
    return seamlessError(code, ...patterns)(error);
  });
  return caught as SeamlessError;
}
