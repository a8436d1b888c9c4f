/**
 * The error every model parser throws, and the Result type its `tryParse*` twin returns.
 *
 * `kind` names what was being parsed (`instrument_id`, `bar_type`, `price`, …) and `value`
 * holds the offending text, so callers can map errors to CLI or HTTP messages without
 * parsing the message. Messages say which part is wrong, end the observed value with
 * ", was X" and show a valid example.
 */

/** Thrown when text or a number cannot be a NautilusTrader model value. */
export class ModelError extends Error {
  override name = 'ModelError';
  /** What was being parsed, in snake_case: `instrument_id`, `bar_type`, `price`, `time`, …. */
  readonly kind: string;
  /** The offending input, as text. */
  readonly value: string;

  constructor(kind: string, value: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
    this.value = value;
  }
}

/** The outcome of a `tryParse*` function: the value, or the error `parse*` would throw. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: ModelError };

/**
 * Runs a throwing parser and returns its outcome as a ParseResult.
 * Rethrows anything that is not a ModelError, because that is a bug, not bad input.
 */
export function tryModel<T>(parse: () => T): ParseResult<T> {
  try {
    return { ok: true, value: parse() };
  } catch (error) {
    if (error instanceof ModelError) return { ok: false, error };
    throw error;
  }
}
