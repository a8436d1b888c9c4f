/**
 * Random market data frames for round-trip and compatibility tests: every column kind,
 * both widths, extreme but valid raws at the stated precision, sorted ts_init with ties.
 */
import { seededRandom } from '../../src/model/seeded-random.js';
import { type FixedWidth, PRICE_RAW_MAX, QUANTITY_RAW_MAX, fixedPrecisionOf, pow10 } from '../../src/model/fixed-point.js';
import { type Frame, type FrameMeta, type MarketDataType, allocFrame, fieldsOf, setFixedRaw, type FixedColumn } from '../../src/model/frames.js';


function randomBig(rand: () => number, max: bigint): bigint {
  // Uniform-ish over [0, max]: pick a magnitude first so tiny and huge values both appear.
  const digits = max.toString().length;
  const length = 1 + Math.floor(rand() * digits);
  let v = 0n;
  for (let i = 0; i < length; i++) v = v * 10n + BigInt(Math.floor(rand() * 10));
  return v > max ? v % (max + 1n) : v;
}

export interface RandomFrameOptions {
  readonly width: FixedWidth;
  readonly rows: number;
  readonly startNs: bigint;
  readonly meta: FrameMeta;
  /** Distinct values per fixed column (small → dictionary pages, large → PLAIN). */
  readonly distinct?: number;
}

/** Builds a random, valid, ts_init-sorted frame. */
export function randomFrame<T extends MarketDataType>(type: T, rand: () => number, options: RandomFrameOptions): Frame<T> {
  const { width, rows, meta } = options;
  const frame = allocFrame(type, width, rows, meta);
  const columns = frame.columns as unknown as Record<string, unknown>;
  const fixed = fixedPrecisionOf(width);
  const pool = new Map<string, bigint[]>();
  for (const [name, kind] of fieldsOf(type)) {
    if (kind !== 'price' && kind !== 'quantity') continue;
    const precision = kind === 'price' ? meta.pricePrecision : meta.sizePrecision;
    const step = pow10(fixed - precision);
    const max = (kind === 'price' ? PRICE_RAW_MAX[width] : QUANTITY_RAW_MAX[width]) / step;
    const values = Array.from({ length: options.distinct ?? rows }, () => {
      const magnitude = randomBig(rand, max) * step;
      return kind === 'price' && rand() < 0.3 ? -magnitude : magnitude;
    });
    pool.set(name, values);
  }
  let ts = options.startNs;
  for (let i = 0; i < rows; i++) {
    if (rand() < 0.8) ts += BigInt(1 + Math.floor(rand() * 1e9));
    for (const [name, kind] of fieldsOf(type)) {
      const data = columns[name];
      switch (kind) {
        case 'price':
        case 'quantity': {
          const values = pool.get(name)!;
          setFixedRaw(data as FixedColumn, i, values[Math.floor(rand() * values.length)]!);
          break;
        }
        case 'u64':
          (data as BigUint64Array)[i] = name === 'ts_init' ? ts : name === 'ts_event' ? ts - BigInt(Math.floor(rand() * 1000)) : BigInt(Math.floor(rand() * 2 ** 53)) * 1024n;
          break;
        case 'u8':
          (data as Uint8Array)[i] = name === 'action' ? 1 + Math.floor(rand() * 4) : name === 'flags' ? [0, 128, 32, 160, 64][Math.floor(rand() * 5)]! : Math.floor(rand() * 3);
          break;
        case 'utf8':
          (data as string[])[i] = `T-${Math.floor(rand() * 1e12).toString(36)}-${i}`.slice(0, 36);
          break;
      }
    }
  }
  return frame;
}

/** Asserts two frames hold identical bytes in every column (returns a description of the first difference). */
export function frameDifference(a: Frame, b: Frame): string | undefined {
  if (a.type !== b.type) return `type ${a.type} vs ${b.type}`;
  if (a.length !== b.length) return `length ${a.length} vs ${b.length}`;
  if (a.width !== b.width) return `width ${a.width} vs ${b.width}`;
  if (JSON.stringify(a.meta) !== JSON.stringify(b.meta)) return `meta ${JSON.stringify(a.meta)} vs ${JSON.stringify(b.meta)}`;
  const ca = a.columns as unknown as Record<string, unknown>;
  const cb = b.columns as unknown as Record<string, unknown>;
  for (const [name, kind] of fieldsOf(a.type)) {
    const x = ca[name];
    const y = cb[name];
    const xs = kind === 'price' || kind === 'quantity' ? (x as FixedColumn).bytes : (x as ArrayLike<unknown>);
    const ys = kind === 'price' || kind === 'quantity' ? (y as FixedColumn).bytes : (y as ArrayLike<unknown>);
    if (xs.length !== ys.length) return `${name}: length ${xs.length} vs ${ys.length}`;
    for (let i = 0; i < xs.length; i++) if (xs[i] !== ys[i]) return `${name}[${i}]: ${String(xs[i])} vs ${String(ys[i])}`;
  }
  return undefined;
}

/** Seeded PRNG so failures reproduce. */
export const prng = seededRandom;
