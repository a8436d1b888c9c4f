/**
 * NDJSON bodies: the text is `frameRowToJson` lines, frames are pulled only as fast as the
 * reader takes text (bounded memory), the source is closed when the reader goes away, and an
 * error opening the source surfaces before any byte.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, it } from 'node:test';
import { ndjsonStream } from '../../src/gateway/ndjson-stream.js';
import { frameRowToJson } from '../../src/model/frame-rows.js';
import type { Frame } from '../../src/model/frames.js';
import { syntheticBars } from '../../src/model/synthetic-market.js';
import { isoToNs, NS_PER_MINUTE } from '../../src/model/time.js';

const META = { instrumentId: 'BTCUSDT.BINANCE', pricePrecision: 2, sizePrecision: 6, barType: 'BTCUSDT.BINANCE-1-MINUTE-LAST-EXTERNAL' };

function frame(index: number, rows: number): Frame<'bar'> {
  return syntheticBars({ meta: META, start: isoToNs('2024-01-02T00:00:00Z') + BigInt(index * rows + 1) * NS_PER_MINUTE, count: rows, stepNs: NS_PER_MINUTE, seed: index + 1 });
}

/** Frames made on demand, counting how many were asked for and whether the source was closed. */
function countingFrames(total: number, rows: number) {
  const state = { pulled: 0, closed: false };
  async function* frames(): AsyncGenerator<Frame<'bar'>> {
    try {
      for (let i = 0; i < total; i++) {
        state.pulled++;
        yield frame(i, rows);
      }
    } finally {
      state.closed = true;
    }
  }
  return { state, frames: frames() };
}

async function collect(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}

describe('ndjsonStream', () => {
  it('writes one frameRowToJson line per row, honours limit and appends the trailer', async () => {
    const frames = [frame(0, 700), frame(1, 300)];
    const expected = frames.flatMap((f) => Array.from({ length: f.length }, (_, i) => `${frameRowToJson(f, i)}\n`)).join('');
    assert.equal(await collect(await ndjsonStream(frames)), expected);
    const limited = await collect(await ndjsonStream(frames, { limit: 701, trailer: '{"end":true}\n' }));
    assert.equal(limited, `${expected.split('\n').slice(0, 701).join('\n')}\n{"end":true}\n`);
    assert.equal(await collect(await ndjsonStream([])), '');
    assert.equal(await collect(await ndjsonStream(frames, { limit: 0 })), '');
  });

  it('pulls frames only as the reader takes the text, and closes the source when the reader leaves', async () => {
    const { state, frames } = countingFrames(1000, 1000);
    let closes = 0;
    const stream = await ndjsonStream(frames, { onClose: () => closes++ });
    // Nobody reads: the stream holds at most a frame or two.
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.ok(state.pulled <= 2, `pulled ${state.pulled} frames with no reader`);
    // A slow reader that gives up after a few chunks.
    let chunks = 0;
    const slow = new Writable({
      highWaterMark: 1024,
      write(_chunk, _encoding, done) {
        chunks++;
        if (chunks === 5) done(new Error('client went away'));
        else setTimeout(done, 5);
      },
    });
    await assert.rejects(pipeline(stream, slow), /client went away/);
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok(state.pulled <= 4, `pulled ${state.pulled} of 1000 frames for 5 chunks`);
    assert.equal(state.closed, true, 'the frame source was returned');
    assert.equal(closes, 1);
  });

  it('rejects before any byte when the source fails to open', async () => {
    let closes = 0;
    async function* failing(): AsyncGenerator<Frame<'bar'>> {
      throw new Error('cannot open');
    }
    await assert.rejects(ndjsonStream(failing(), { onClose: () => closes++ }), /cannot open/);
    assert.equal(closes, 1);
  });

  it('ends with an error (not a clean end) when the source fails mid-stream', async () => {
    async function* failsLater(): AsyncGenerator<Frame<'bar'>> {
      yield frame(0, 10);
      throw new Error('corrupt row group');
    }
    await assert.rejects(collect(await ndjsonStream(failsLater())), /corrupt row group/);
  });
});
