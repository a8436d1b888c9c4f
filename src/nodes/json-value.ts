/**
 * Config values as they come from YAML or JSON. Integers beyond 2^53 (nanosecond timestamps)
 * stay exact as `bigint`; everything else is plain JSON. `stringifyJson` writes bigints as bare
 * digits, which is what NautilusTrader's msgspec decoder expects for `int` fields.
 */

export type JsonValue = null | boolean | number | bigint | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON text of `value`; bigints become bare integer digits. */
export function stringifyJson(value: JsonValue, indent?: number): string {
  // Mark bigints, let JSON.stringify do the rest, then unquote the marks.
  const marker = '\u0000bigint:';
  const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${marker}${v}` : v), indent);
  return text.replace(/"\\u0000bigint:(-?\d+)"/g, '$1');
}

/** A deep copy (configs are edited per grid combination). */
export function cloneJson<T extends JsonValue>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => cloneJson(v)) as T;
  if (isJsonObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cloneJson(v)])) as T;
  return value;
}
