/**
 * Puts a newest-first archive (some Bybit files) into time order with bounded memory: frames
 * are appended to a temp file as they are parsed, then read back last to first, each frame's
 * rows reversed. Memory holds one frame; disk holds the decoded archive until `close()`.
 */
import { mkdtemp, open, rm, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame } from '../../model/frames.js';
import type { DayFrame } from './batch-builder.js';

interface SpilledFrame {
  readonly day: number;
  readonly offset: number;
  readonly bytes: number;
  readonly rows: number;
}

const TEXT = new TextEncoder();
const TEXT_DECODER = new TextDecoder('latin1');

export class ReverseSpill {
  private handle: FileHandle | undefined;
  private dir: string | undefined;
  private position = 0;
  private readonly frames: SpilledFrame[] = [];

  /** Appends a trade frame. */
  async add(item: DayFrame): Promise<void> {
    const frame = item.frame as Frame<'trade_tick'>;
    if (frame.type !== 'trade_tick') throw new RangeError('ReverseSpill holds trade frames only');
    if (!this.handle) {
      this.dir = await mkdtemp(join(tmpdir(), 'seamless-spill-'));
      this.handle = await open(join(this.dir, 'frames.bin'), 'w+');
    }
    const c = frame.columns;
    const ids = TEXT.encode(c.trade_id.join('\n'));
    const parts = [c.price.bytes, c.size.bytes, c.aggressor_side, new Uint8Array(c.ts_init.buffer, c.ts_init.byteOffset, c.ts_init.byteLength), ids];
    const length = parts.reduce((sum, p) => sum + p.length, 0);
    const block = Buffer.allocUnsafe(length);
    let at = 0;
    for (const part of parts) {
      block.set(part, at);
      at += part.length;
    }
    await this.handle.write(block, 0, length, this.position);
    this.frames.push({ day: item.day, offset: this.position, bytes: length, rows: frame.length });
    this.position += length;
  }

  /** Yields the frames last to first with their rows reversed, using `template` for type, width and metadata. */
  async *reversed(template: Pick<Frame<'trade_tick'>, 'width' | 'meta'>): AsyncGenerator<DayFrame> {
    const w = template.width;
    for (let f = this.frames.length - 1; f >= 0; f--) {
      const spilled = this.frames[f]!;
      const n = spilled.rows;
      const block = Buffer.allocUnsafe(spilled.bytes);
      await this.handle!.read(block, 0, spilled.bytes, spilled.offset);
      let at = 0;
      const take = (length: number) => block.subarray(at, (at += length));
      const price = reverseFixed(take(n * w), w);
      const size = reverseFixed(take(n * w), w);
      const aggressor = Uint8Array.from(take(n)).reverse();
      const tsBytes = take(n * 8);
      const ts = new BigUint64Array(n);
      new Uint8Array(ts.buffer).set(tsBytes);
      ts.reverse();
      const ids = TEXT_DECODER.decode(take(spilled.bytes - at)).split('\n').reverse();
      const frame: Frame<'trade_tick'> = {
        type: 'trade_tick',
        width: w,
        length: n,
        meta: template.meta,
        columns: {
          price: { kind: 'price', width: w, bytes: price },
          size: { kind: 'quantity', width: w, bytes: size },
          aggressor_side: aggressor,
          trade_id: ids,
          ts_event: ts,
          ts_init: ts,
        },
      };
      yield { day: spilled.day, frame };
    }
  }

  async close(): Promise<void> {
    await this.handle?.close();
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }
}

function reverseFixed(bytes: Uint8Array, width: number): Uint8Array {
  const n = bytes.length / width;
  const out = new Uint8Array(new ArrayBuffer(bytes.length));
  for (let i = 0; i < n; i++) out.set(bytes.subarray(i * width, (i + 1) * width), (n - 1 - i) * width);
  return out;
}
