/**
 * The WebAssembly snappy decoder (kernels.wasm) against the native binding (Google's C++
 * snappy): every valid block decodes to the same bytes, including back-references that
 * overlap their own output at every short period; on damaged or truncated blocks it either
 * gives exactly what the native decoder gives or declines (the JavaScript decoder then
 * decides), never other bytes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import snappy from 'snappy';
import { snappyDecodeFast } from '../../src/catalog/parquet/snappy-decode-wasm.js';
import { type WasmMemory, loadKernels } from '../../src/catalog/parquet/wasm-module.js';

function pack(raw: Uint8Array): Uint8Array {
  return snappy.compressSync(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength));
}

function native(input: Uint8Array, size: number): string {
  try {
    const out = snappy.uncompressSync(Buffer.from(input), { asBuffer: true }) as Buffer;
    return out.length === size ? `ok ${out.toString('base64')}` : 'error length';
  } catch {
    return 'error';
  }
}

/** Page-like bytes: runs of one byte, short periodic patterns (overlapping copies), noise. */
const pageArb = fc
  .array(
    fc.oneof(
      fc.record({ kind: fc.constant('run' as const), length: fc.integer({ min: 1, max: 3000 }), byte: fc.nat(255) }),
      fc.record({ kind: fc.constant('period' as const), length: fc.integer({ min: 1, max: 3000 }), period: fc.integer({ min: 1, max: 24 }), seed: fc.nat() }),
      fc.record({ kind: fc.constant('noise' as const), length: fc.integer({ min: 1, max: 3000 }), seed: fc.nat() }),
    ),
    { maxLength: 40 },
  )
  .map((parts) => {
    const chunks = parts.map((p) => {
      const out = new Uint8Array(p.length);
      if (p.kind === 'run') out.fill(p.byte);
      else if (p.kind === 'period') for (let i = 0; i < p.length; i++) out[i] = ((p.seed >>> (i % p.period)) * 2654435761 + i % p.period) & 0xff;
      else for (let i = 0, s = p.seed | 1; i < p.length; i++) out[i] = (s = Math.imul(s ^ (s >>> 13), 0x5bd1e995) ^ i) & 0xff;
      return out;
    });
    return Uint8Array.from(chunks.flatMap((c) => Array.from(c)));
  });

describe('WebAssembly snappy decoder', () => {
  it('decodes every valid block to the native decoder\'s bytes', () => {
    fc.assert(
      fc.property(pageArb, (raw) => {
        const out = snappyDecodeFast(pack(raw), raw.length);
        assert.ok(out, 'declined a valid block');
        assert.deepEqual(Buffer.from(out), Buffer.from(raw));
      }),
      { numRuns: 300 },
    );
  });

  it('gives each page a plain Uint8Array on a buffer of its own, which later decodes do not touch', () => {
    const first = Uint8Array.from({ length: 4000 }, (_, i) => i % 251);
    const out = snappyDecodeFast(pack(first), first.length)!;
    assert.equal(Object.getPrototypeOf(out), Uint8Array.prototype, 'not a Buffer, whose slice would share the bytes');
    assert.ok(out.byteOffset === 0 && out.buffer.byteLength === first.length, 'a buffer of its own (the reader keeps such a page as the column)');
    snappyDecodeFast(pack(new Uint8Array(4000).fill(7)), 4000);
    assert.deepEqual(out, first);
    const copy = out.slice(0, 10);
    copy[0] = 99;
    assert.equal(out[0], 0);
  });

  it('on damaged or truncated blocks, gives the native decoder\'s bytes or declines', () => {
    fc.assert(
      fc.property(pageArb, fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(255)), { maxLength: 6 }), fc.nat(20), (raw, edits, cut) => {
        const packed = Uint8Array.from(pack(raw));
        for (const [where, value] of edits) packed[Math.min(packed.length - 1, Math.floor(where * packed.length))] = value;
        const input = packed.subarray(0, Math.max(0, packed.length - cut));
        const out = snappyDecodeFast(input, raw.length);
        if (out) assert.equal(`ok ${Buffer.from(out).toString('base64')}`, native(input, raw.length), 'accepted a block the native decoder decodes otherwise or rejects');
      }),
      { numRuns: 600 },
    );
  });

  it('declines back-references to before the output\'s start, and blocks that do not fill the output exactly', () => {
    const cases: Array<[string, number[], number]> = [
      ['a copy before any output', [0x04, 0x01, 0x04], 4],
      ['a copy reaching one byte before the start', [0x06, 0x04, 0x61, 0x62, 0x01, 0x03], 6],
      ['a 2-byte-offset copy past the start', [0x06, 0x04, 0x61, 0x62, 0x0e, 0x05, 0x00], 6],
      ['a literal longer than the block', [0x04, 0x0c, 0x61], 4],
      ['a block shorter than its length', [0x06, 0x04, 0x61, 0x62], 6],
      ['a copy running past the output', [0x04, 0x00, 0x61, 0x15, 0x01], 4],
    ];
    for (const [what, bytes, size] of cases) {
      assert.equal(snappyDecodeFast(Uint8Array.from(bytes), size), undefined, what);
      assert.equal(native(Uint8Array.from(bytes), size).startsWith('ok'), false, `the native decoder accepts ${what}`);
    }
    // The same shapes, valid: a run from one literal byte, a copy of the first two bytes.
    assert.deepEqual(Array.from(snappyDecodeFast(Uint8Array.from([0x05, 0x00, 0x61, 0x01, 0x01]), 5)!), [0x61, 0x61, 0x61, 0x61, 0x61]);
    assert.deepEqual(Array.from(snappyDecodeFast(Uint8Array.from([0x06, 0x04, 0x61, 0x62, 0x01, 0x02]), 6)!), [0x61, 0x62, 0x61, 0x62, 0x61, 0x62]);
  });

  it('decodes each kind of copy, the 4-byte-offset one too (Google\'s compressor never writes it), and declines one whose offset is cut short', () => {
    const abcd = [0x61, 0x62, 0x63, 0x64];
    // 4 literal bytes, then a copy of 4 bytes at offset 4 in each kind, then 3 more bytes at offset 3.
    const kinds: Array<[string, number[]]> = [
      ['1-byte offset', [0x01, 0x04]],
      ['2-byte offset', [0x0e, 0x04, 0x00]],
      ['4-byte offset', [0x0f, 0x04, 0x00, 0x00, 0x00]],
    ];
    for (const [what, copy] of kinds) {
      const block = Uint8Array.from([0x0b, 0x0c, ...abcd, ...copy, 0x0a, 0x03, 0x00]);
      assert.equal(native(block, 11), `ok ${Buffer.from([...abcd, ...abcd, 0x62, 0x63, 0x64]).toString('base64')}`, `the native decoder on a ${what}`);
      assert.deepEqual(Array.from(snappyDecodeFast(block, 11) ?? []), [...abcd, ...abcd, 0x62, 0x63, 0x64], what);
      // The block ends inside the copy's offset: the bytes read past it must not count.
      for (let cut = 1; cut < copy.length; cut++) {
        const short = Uint8Array.from([0x08, 0x0c, ...abcd, ...copy.slice(0, cut)]);
        assert.equal(snappyDecodeFast(short, 8), undefined, `${what} cut to ${cut} byte(s)`);
      }
    }
  });

  it('decodes a 1 MB page in the memory the kernels start with, and grows it only for larger ones', () => {
    const memory = loadKernels<{ memory: WasmMemory }>()!.memory;
    const start = memory.buffer.byteLength;
    assert.equal(start, 2 << 20, 'the kernels start with 2 MB (growing detaches the memory\'s buffer)');
    const page = new Uint8Array(1 << 20).map((_, i) => (i * 7) & 0xff);
    assert.deepEqual(snappyDecodeFast(pack(page), page.length), page);
    assert.equal(memory.buffer.byteLength, start, 'a 1 MB page grew the memory');
    const large = new Uint8Array(3 << 20).map((_, i) => (i * 13) & 0xff);
    assert.deepEqual(snappyDecodeFast(pack(large), large.length), large, 'a page larger than the memory');
    assert.ok(memory.buffer.byteLength > start);
  });
});
