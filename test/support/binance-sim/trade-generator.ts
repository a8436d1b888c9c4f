/**
 * Deterministic trades: trade `id` (1, 2, 3, …) of a symbol is a pure function of
 * (seed, symbol, id), so REST, websocket and a test computing its expectations all see the
 * same trade, and re-fetching gives identical answers.
 *
 * Time: trade `id` happens in its own slot `[genesis + (id-1)·spacing, genesis + id·spacing)`
 * at a hashed offset inside the slot, so times are strictly increasing, irregular, and the id
 * at any time is found in O(1) without walking trades.
 *
 * Price: a sum of sines (weekly, daily, hourly, minutes) around the symbol's reference price,
 * plus per-trade hashed noise, rounded to the tick. Closed-form per trade, so no trade depends
 * on the one before it (the only state is a one-cell cache that cannot change a result). Size: hashed, skewed towards small trades, a whole number of steps.
 */
import type { SymbolSpec } from './symbols.js';

export interface GeneratorConfig {
  readonly seed: number;
  /** Nothing trades before this instant (ms). */
  readonly genesisMs: number;
  /** Mean ms between trades (each trade sits somewhere in its own slot of this length). */
  readonly tradeSpacingMs: number;
}

/** One trade in integer units: price in 10^-tick.scale, size in 10^-step.scale. */
export interface RawTrade {
  readonly id: number;
  readonly timeMs: number;
  readonly priceUnits: number;
  readonly qtyUnits: number;
  readonly isBuyerMaker: boolean;
}

const TWO_POW_32 = 2 ** 32;
const SALT_TIME = 0x51ed27;
const SALT_PRICE = 0x2c1b3c6d;
const SALT_QTY = 0x297a2d39;
const SALT_SIDE = 0x6a09e667;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** [period ms, relative amplitude] of the price path's waves. */
const WAVES: readonly (readonly [number, number])[] = [
  [7 * DAY, 0.06],
  [DAY, 0.02],
  [HOUR, 0.006],
  [7 * 60_000, 0.002],
];
/** Grid of exact wave values; the shortest wave (7 min) is smooth over a minute. */
const WAVE_GRID_MS = 60_000;
/** Per-trade noise, relative to the reference price. */
const NOISE = 0.0001;

/** An avalanche mix of a 32-bit integer (xor-shift / multiply, "lowbias32" constants). */
function mix32(value: number): number {
  let x = value | 0;
  x = Math.imul(x ^ (x >>> 16), 0x7feb352d);
  x = Math.imul(x ^ (x >>> 15), 0x846ca68b);
  return (x ^ (x >>> 16)) >>> 0;
}

/** FNV-1a of a string, so each symbol gets its own stream of numbers. */
function hashText(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A uniform number in [0, 1) from a salted seed and a trade id (ids may pass 2^32). */
function unit(saltedSeed: number, id: number): number {
  return mix32(mix32(saltedSeed ^ (id >>> 0)) ^ Math.floor(id / TWO_POW_32)) / TWO_POW_32;
}

export class TradeGenerator {
  readonly #ticksSeed: number;
  /** The seed mixed with each hot purpose's salt, so those units cost two mixes. */
  readonly #timeSeed: number;
  readonly #priceSeed: number;
  readonly #qtySeed: number;
  readonly #sideSeed: number;
  readonly #phases: readonly number[];
  readonly #noiseTicks: number;
  /** The wave at the two grid points around the last lookup (walks stay inside one cell). */
  #cell = Number.NaN;
  #cellStart = 0;
  #cellEnd = 0;

  constructor(readonly spec: SymbolSpec, readonly config: GeneratorConfig) {
    if (!Number.isInteger(config.tradeSpacingMs) || config.tradeSpacingMs < 1) {
      throw new Error(`tradeSpacingMs must be a whole number of ms ≥ 1, was ${config.tradeSpacingMs}`);
    }
    // The wave phases depend on the symbol only, so spot and futures BTCUSDT move together;
    // the per-trade numbers also depend on the market family.
    const symbolSeed = mix32(config.seed ^ hashText(spec.symbol));
    this.#ticksSeed = mix32(symbolSeed ^ hashText(spec.market));
    [this.#timeSeed, this.#priceSeed, this.#qtySeed, this.#sideSeed] = [SALT_TIME, SALT_PRICE, SALT_QTY, SALT_SIDE].map((salt) => mix32(this.#ticksSeed ^ salt)) as [number, number, number, number];
    this.#phases = WAVES.map((_, i) => (mix32(symbolSeed + i + 1) / TWO_POW_32) * 2 * Math.PI);
    this.#noiseTicks = Math.max(1, Math.round(spec.referenceTicks * NOISE));
  }

  /** A uniform number in [0, 1) for (trade id, purpose); `salt` names the purpose. */
  unitFor(id: number, salt: number): number {
    return unit(mix32(this.#ticksSeed ^ salt), id);
  }

  timeOf(id: number): number {
    const spacing = this.config.tradeSpacingMs;
    return this.config.genesisMs + (id - 1) * spacing + Math.floor(unit(this.#timeSeed, id) * spacing);
  }

  priceUnitsOf(id: number): number {
    const span = 2 * this.#noiseTicks + 1;
    const noise = Math.floor(unit(this.#priceSeed, id) * span) - this.#noiseTicks;
    // The wave is read at the start of the trade's slot, so a price needs no time hash.
    const ticks = Math.max(1, Math.round(this.spec.referenceTicks * (1 + this.#wave((id - 1) * this.config.tradeSpacingMs))) + noise);
    return ticks * this.spec.tick.units;
  }

  /**
   * The relative price wave `ms` after genesis: exact sines on a WAVE_GRID_MS grid, linear in
   * between. The same value whatever was looked up before, and ~10× cheaper per trade than
   * four sines.
   */
  #wave(ms: number): number {
    const cell = Math.floor(ms / WAVE_GRID_MS);
    if (cell !== this.#cell) {
      this.#cell = cell;
      this.#cellStart = this.#exactWave(cell * WAVE_GRID_MS);
      this.#cellEnd = this.#exactWave((cell + 1) * WAVE_GRID_MS);
    }
    return this.#cellStart + (this.#cellEnd - this.#cellStart) * ((ms - cell * WAVE_GRID_MS) / WAVE_GRID_MS);
  }

  #exactWave(ms: number): number {
    let wave = 0;
    for (let i = 0; i < WAVES.length; i++) {
      const [period, amplitude] = WAVES[i]!;
      wave += amplitude * Math.sin((2 * Math.PI * ms) / period + this.#phases[i]!);
    }
    return wave;
  }

  qtyUnitsOf(id: number): number {
    const u = unit(this.#qtySeed, id);
    return (1 + Math.floor(u * u * u * (this.spec.maxQtySteps - 1))) * this.spec.step.units;
  }

  isBuyerMaker(id: number): boolean {
    return unit(this.#sideSeed, id) < 0.5;
  }

  trade(id: number): RawTrade {
    return { id, timeMs: this.timeOf(id), priceUnits: this.priceUnitsOf(id), qtyUnits: this.qtyUnitsOf(id), isBuyerMaker: this.isBuyerMaker(id) };
  }

  /** The first trade id whose time is ≥ `ms` (ids start at 1). */
  firstIdAtOrAfter(ms: number): number {
    const { genesisMs, tradeSpacingMs } = this.config;
    if (ms <= genesisMs) return 1;
    // `ms` falls in slot k; only trade k can sit on either side of it.
    const k = Math.floor((ms - genesisMs) / tradeSpacingMs) + 1;
    return this.timeOf(k) >= ms ? k : k + 1;
  }

  /** The last trade id whose time is < `ms`; 0 when none. */
  lastIdBefore(ms: number): number {
    return this.firstIdAtOrAfter(ms) - 1;
  }
}

/** Best bid and ask just after a trade, in integer units. */
export interface RawBook {
  readonly updateId: number;
  readonly bidUnits: number;
  readonly bidQtyUnits: number;
  readonly askUnits: number;
  readonly askQtyUnits: number;
}

const SALT_SPREAD = 0x3c6ef372;
const SALT_BID_QTY = 0x510e527f;
const SALT_ASK_QTY = 0x1f83d9ab;

/**
 * The top of book right after trade `id`: a seller-initiated trade hit the bid, so the bid
 * sits at its price; a buyer-initiated one lifted the ask. The spread is 1–3 ticks.
 */
export function bookAfter(generator: TradeGenerator, id: number): RawBook {
  const trade = generator.trade(id);
  const { tick, maxQtySteps, step } = generator.spec;
  const spread = (1 + Math.floor(generator.unitFor(id, SALT_SPREAD) * 3)) * tick.units;
  const bidUnits = trade.isBuyerMaker ? trade.priceUnits : trade.priceUnits - spread;
  const size = (salt: number): number => (1 + Math.floor(generator.unitFor(id, salt) * maxQtySteps * 4)) * step.units;
  return { updateId: id, bidUnits, bidQtyUnits: size(SALT_BID_QTY), askUnits: bidUnits + spread, askQtyUnits: size(SALT_ASK_QTY) };
}
