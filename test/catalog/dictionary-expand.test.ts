/**
 * The WebAssembly dictionary expander is a fast path for the JavaScript one: on every page
 * it accepts, the values must be byte-identical; on every page the JavaScript expander
 * rejects, it must refuse too (so the JavaScript error is what the reader reports).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { expandDictionaryPageFast } from '../../src/catalog/parquet/dictionary-expand-wasm.js';
import { expandDictionaryPage } from '../../src/catalog/parquet/dictionary-gather.js';
import { encodeHybrid } from '../../src/catalog/parquet/rle.js';
import { markInWindowFast } from '../../src/catalog/parquet/u64-window-wasm.js';

type Outcome = { bytes: string } | { error: string };

function javascript(page: Uint8Array, bitWidth: number, count: number, dictionary: Uint8Array, entries: number, width: number): Outcome {
  const out = new Uint8Array(count * width);
  try {
    expandDictionaryPage(page, 0, page.length, bitWidth, count, { bytes: dictionary, count: entries }, width, out, 0, false);
    return { bytes: Buffer.from(out).toString('hex') };
  } catch (error) {
    return { error: (error as Error).name };
  }
}

function webAssembly(page: Uint8Array, bitWidth: number, count: number, dictionary: Uint8Array, entries: number, width: number): Outcome | 'refused' {
  const out = new Uint8Array(count * width);
  return expandDictionaryPageFast(page, 0, page.length, bitWidth, count, dictionary, entries, width, out, 0) ? { bytes: Buffer.from(out).toString('hex') } : 'refused';
}

const caseArb = fc
  .record({
    width: fc.constantFrom(4, 8, 16),
    entries: fc.integer({ min: 0, max: 300 }),
    count: fc.integer({ min: 0, max: 2000 }),
    runs: fc.array(fc.record({ length: fc.integer({ min: 1, max: 200 }), repeat: fc.boolean() }), { minLength: 1, maxLength: 12 }),
    extraBits: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 4, max: 32 })), // wide indices too (up to 32 bits)
    seed: fc.integer(),
  })
  .map(({ width, entries, count, runs, extraBits, seed }) => {
    // Indices mostly inside the dictionary; runs of one value make RLE runs, others bit-packed ones.
    let state = seed >>> 0;
    const next = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0);
    const values = new Uint32Array(count);
    let i = 0;
    for (const run of runs) {
      const value = next() % Math.max(1, entries);
      for (let k = 0; k < run.length && i < count; k++, i++) values[i] = run.repeat ? value : next() % Math.max(1, entries);
    }
    for (; i < count; i++) values[i] = next() % Math.max(1, entries);
    const bitWidth = Math.min(32, (entries <= 1 ? 0 : 32 - Math.clz32(entries - 1)) + extraBits);
    const dictionary = new Uint8Array(entries * width);
    for (let b = 0; b < dictionary.length; b++) dictionary[b] = next() & 0xff;
    return { width, entries, count, bitWidth, values, dictionary };
  });

function assertSame(page: Uint8Array, c: { width: number; entries: number; count: number; bitWidth: number; dictionary: Uint8Array }): void {
  const js = javascript(page, c.bitWidth, c.count, c.dictionary, c.entries, c.width);
  const wasm = webAssembly(page, c.bitWidth, c.count, c.dictionary, c.entries, c.width);
  if ('error' in js) assert.equal(wasm, 'refused', `JavaScript rejects the page (${js.error}) but WebAssembly accepted it`);
  else if (wasm !== 'refused') assert.deepEqual(wasm, js);
}

describe('WebAssembly dictionary expander', () => {
  it('gives the JavaScript expander\'s bytes on every encoded page, and accepts them', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        if (c.entries === 0 && c.count > 0) return; // no valid page exists
        const page = encodeHybrid(c.values, c.count, c.bitWidth);
        const wasm = webAssembly(page, c.bitWidth, c.count, c.dictionary, c.entries, c.width);
        assert.notEqual(wasm, 'refused', 'refused a valid page');
        assert.deepEqual(wasm, javascript(page, c.bitWidth, c.count, c.dictionary, c.entries, c.width));
      }),
      { numRuns: 400 },
    );
  });

  it('reads indices of every width up to 20 bits across the whole dictionary, and refuses one past it at any place in a group', () => {
    // Bit-packed runs are taken 8 indices at a time up to 16 bits (two words a group):
    // indices must use all their bits, or a field cut at a word's end would go unseen.
    for (let bitWidth = 1; bitWidth <= 20; bitWidth++) {
      const entries = Math.min(2 ** bitWidth, 70_000);
      const width = [4, 8, 16][bitWidth % 3]!;
      const dictionary = Uint8Array.from({ length: entries * width }, (_, i) => Math.imul(i, 2654435761) >>> 24);
      // Below the last entry (high ones among them, to use every bit); no runs of one value,
      // so encodeHybrid writes bit-packed runs; 203 values end in a part group.
      const values = Uint32Array.from({ length: 203 }, (_, i) => (i % 3 === 0 ? Math.max(0, entries - 2 - (i % 5)) : Math.imul(i + 1, 40503) % (entries - 1)));
      const page = encodeHybrid(values, values.length, bitWidth);
      assert.deepEqual(webAssembly(page, bitWidth, values.length, dictionary, entries, width), javascript(page, bitWidth, values.length, dictionary, entries, width), `width ${bitWidth}`);
      for (let place = 0; place < 8; place++) {
        const bad = Uint32Array.from(values);
        bad[16 + place] = entries - 1;
        const badPage = encodeHybrid(bad, bad.length, bitWidth);
        // With the last entry dropped, that index alone is past the dictionary.
        assert.deepEqual(webAssembly(page, bitWidth, values.length, dictionary, entries - 1, width), javascript(page, bitWidth, values.length, dictionary, entries - 1, width));
        assert.ok('error' in javascript(badPage, bitWidth, bad.length, dictionary, entries - 1, width));
        assert.equal(webAssembly(badPage, bitWidth, bad.length, dictionary, entries - 1, width), 'refused', `width ${bitWidth}, place ${place} of a group`);
      }
    }
  });

  it('copies a column chunk\'s dictionary again after another kernel wrote the shared memory', () => {
    // The pages of one column chunk share a dictionary left in the kernels' memory; the other
    // kernels (footer walk, window marker) write that memory from byte 0 between such pages.
    const dictionary = Uint8Array.from({ length: 16 * 40 }, (_, i) => (i * 37 + 11) & 0xff);
    const values = Uint32Array.from({ length: 500 }, (_, i) => (i * 7) % 40);
    const page = encodeHybrid(values, values.length, 6);
    const expected = javascript(page, 6, values.length, dictionary, 40, 16);
    assert.deepEqual(webAssembly(page, 6, values.length, dictionary, 40, 16), expected);
    const scribble = Uint32Array.from({ length: 2 * 4096 }, (_, i) => Math.imul(i, 2654435761) >>> 0);
    assert.notEqual(markInWindowFast(scribble, 0, 0, 0x1_0000_0000, 0, new Uint8Array(4096)), undefined, 'the window marker is part of the same module');
    assert.deepEqual(webAssembly(page, 6, values.length, dictionary, 40, 16), expected, 'expanded from a dictionary the other kernel overwrote');
  });

  it('on truncated, damaged or out-of-range pages, agrees or refuses (never accepts what JavaScript rejects)', () => {
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 0, max: 40 }), fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), fc.integer({ min: 0, max: 5 }), (c, cut, edits, shrinkDictionary) => {
        const encoded = encodeHybrid(c.values, c.count, c.bitWidth);
        const page = Uint8Array.from(encoded.subarray(0, Math.max(0, encoded.length - cut)));
        for (const [where, value] of edits) if (page.length > 0) page[Math.min(page.length - 1, Math.floor(where * page.length))] = value;
        assertSame(page, { ...c, entries: Math.max(0, c.entries - shrinkDictionary) });
      }),
      { numRuns: 800 },
    );
  });
});
