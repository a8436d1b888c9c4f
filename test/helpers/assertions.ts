/** Assertions shared by the model tests. */
import assert from 'node:assert/strict';
import { ModelError } from '../../src/model/errors.js';

/** Asserts `fn` throws a ModelError of `kind` whose message matches `pattern`. */
export function rejects(fn: () => unknown, kind: string, pattern: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ModelError, String(error));
    assert.equal(error.kind, kind);
    assert.match(error.message, pattern);
    return true;
  });
}
