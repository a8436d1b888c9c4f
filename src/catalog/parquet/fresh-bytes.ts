/**
 * Buffers that the caller fills completely (or of which it hands out only what it filled),
 * allocated without zero-filling them first. A `new ArrayBuffer` is zeroed, and for the
 * decoded columns of a read that zeroing was a second pass over every output byte (20–40 %
 * of copying a page out of the kernels' memory, in a micro-benchmark). Callers must write
 * every byte before anyone reads it: the memory holds whatever it held before.
 */

/** `size` bytes on a buffer of their own (offset 0, so 8-byte aligned), not zero-filled. */
export function unfilledBytes(size: number): Uint8Array {
  // A plain Uint8Array over the Buffer's memory: a Buffer's `slice` would share it.
  return new Uint8Array(Buffer.allocUnsafeSlow(size).buffer, 0, size);
}

/** A copy of `bytes` on a buffer of its own (offset 0), without zero-filling it first. */
export function copyOf(bytes: Uint8Array): Uint8Array {
  const out = unfilledBytes(bytes.length);
  out.set(bytes);
  return out;
}
