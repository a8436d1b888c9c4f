/** PLAIN encoding helpers shared by the required and the nullable column writers. */

/** PLAIN BYTE_ARRAY encoding: each value as a 4-byte little-endian length, then its bytes. */
export function plainByteArrays(values: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const bytes of values) total += 4 + bytes.length;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let pos = 0;
  for (const bytes of values) {
    view.setUint32(pos, bytes.length, true);
    out.set(bytes, pos + 4);
    pos += 4 + bytes.length;
  }
  return out;
}
