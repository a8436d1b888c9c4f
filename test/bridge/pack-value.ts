/** Packing any nested value with PackWriter (the publisher writes its one shape field by field). */
import { PackWriter } from '../../src/bridge/pack-batch.js';

export type Packable = number | string | Buffer | readonly Packable[];

/** Writes `value` with the writer's primitives: strings, unsigned ints, Buffers, nested arrays. */
export function writeValue(writer: PackWriter, value: Packable): void {
  if (typeof value === 'string') writer.str(value);
  else if (typeof value === 'number') writer.uint(value);
  else if (Buffer.isBuffer(value)) writer.bytes(value);
  else {
    writer.arrayHeader(value.length);
    for (const item of value) writeValue(writer, item);
  }
}

/** Returns the msgpack bytes of `value`. */
export function packBatch(value: Packable): Buffer {
  const writer = new PackWriter();
  writeValue(writer, value);
  return writer.finish();
}
