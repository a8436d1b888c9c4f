/**
 * Turns CSV lines into frame rows by column position. A layout lists what each column is
 * (`roles`); the mapper reads the fields in order with the FieldReader and writes into the
 * BatchBuilder's arrays, then checks the row against the archive (its day range, time order,
 * id continuity, precision). One class serves every exchange format: Binance trades,
 * aggTrades and klines (spot, USD-M, COIN-M) and Bybit trades (derivatives, spot).
 *
 * | role         | text                         | parsed with                  | goes to                      |
 * |--------------|------------------------------|------------------------------|------------------------------|
 * | `fixed:N`    | `94123.45000000`             | FieldReader.decimal (exact)  | fixed column N (price/size/OHLCV) |
 * | `time`       | ms (13 digits) or µs (16)    | FieldReader.uint, unit per value | ts_event = ts_init (ns)  |
 * | `seconds`    | `1704326400.1000`            | FieldReader.secondsFraction  | ts_event = ts_init (ns)      |
 * | `id`         | `4234567890`                 | FieldReader.uint             | trade_id (text), gap check   |
 * | `textId`     | `8f1c…` (uuid)               | FieldReader.text             | trade_id                     |
 * | `buyerMaker` | `True`/`true`/`false`        | FieldReader.bool             | aggressor: true → SELLER     |
 * | `takerSide`  | `Buy`/`Sell`/`buy`/`sell`    | FieldReader.buySell          | aggressor: Buy → BUYER       |
 * | `skip`       | anything                     | —                            | —                            |
 */
import { type BatchBuilder } from './batch-builder.js';
import { FieldReader } from './field-reader.js';
import { type LineHandler, eachLine } from './csv-lines.js';
import { ImportError } from './errors.js';
import { TradeScanner, tradeShape } from './trade-scanner.js';
import { writeScaledU64 } from './fixed-bytes.js';
import { MS_PER_DAY, dayToIso } from './utc-days.js';

export type Role = 'skip' | 'fixed:0' | 'fixed:1' | 'fixed:2' | 'fixed:3' | 'fixed:4' | 'time' | 'seconds' | 'id' | 'textId' | 'buyerMaker' | 'takerSide';

export interface RowLayout {
  /** Column names in file order (for messages; the header's own names are not trusted). */
  readonly names: readonly string[];
  readonly roles: readonly Role[];
  /** Whether the first line is a header: `detect` = when its first field is not numeric. */
  readonly header: 'detect' | 'required';
  /** Trailing columns a header may add (Bybit's newer `RPI`); their values are not read. */
  readonly optionalTrailing?: readonly string[];
  /** Row order: `ascending` in time, or `either` (decided by the first two distinct times; Bybit). */
  readonly order?: 'ascending' | 'either';
}

/** What the mapper checks rows against. */
export interface RowRules {
  /** First and last UTC day the archive may hold rows of (by event time; klines by open time). */
  readonly firstDay: number;
  readonly lastDay: number;
  /** Added to the event time: the kline interval in ns (bars are stamped at their close), else 0. */
  readonly stampOffsetNs: bigint;
  /** Most decimals each fixed column may have (the instrument's precisions). */
  readonly maxDecimals: readonly number[];
  /** What each fixed column is called in precision messages (`price`, `size`). */
  readonly precisionNames: readonly string[];
  /** Fixed columns whose value must be > 0 (trade sizes). */
  readonly positive: readonly number[];
}

/** Trade-id discontinuities, which prove loss for Binance (ids are sequential per symbol). */
export interface IdGap {
  readonly archive: string;
  readonly line: number;
  readonly afterId: number;
  readonly nextId: number;
}

const ROLE_CODE: Record<Role, number> = {
  skip: 0, 'fixed:0': 10, 'fixed:1': 11, 'fixed:2': 12, 'fixed:3': 13, 'fixed:4': 14,
  time: 1, seconds: 2, id: 3, textId: 4, buyerMaker: 5, takerSide: 6,
};
const SELLER = 2;
const BUYER = 1;
const SECONDS_PER_DAY = 86_400;
const MICROS_PER_DAY = MS_PER_DAY * 1000;

/** Shared across the archives of one import, so continuity is checked across files too. */
export class SeriesState {
  lastId = -1;
  /** Last event time as µs-since-epoch (exact in a double), for the order check. */
  lastMicros = -1;
  idGaps: IdGap[] = [];
  missingIds = 0;
  /** Most decimals seen per fixed column. */
  readonly decimals: number[] = [0, 0, 0, 0, 0];
}

export class RowMapper implements LineHandler {
  private reader: FieldReader;
  private codes: Int32Array;
  /** +1 ascending, -1 descending, 0 not known yet. */
  direction: number;
  private readonly offsetMs: number;
  private readonly offsetMicros: number;
  private readonly offsetNanos: number;
  /** Whether the first line (a header, or not) has been read. */
  started = false;
  rows = 0;
  /** The fixed column that holds a quantity (trade size, bar volume); the others are prices. */
  private readonly quantitySlot: number;
  /** The fast path for plain trade rows (trade-scanner.ts), when the layout has that shape. */
  readonly scanner: TradeScanner | undefined;

  constructor(
    readonly archive: string,
    readonly layout: RowLayout,
    private readonly builder: BatchBuilder,
    private readonly rules: RowRules,
    private readonly series: SeriesState,
    /**
     * Which path plain trade rows take: `kernel` (WebAssembly, then the JavaScript scanner for
     * the lines it stops at), `scanner` (the JavaScript scanner alone), `reference` (every line
     * through `line`). The fast paths are tested against the reference.
     */
    fastPath: 'kernel' | 'scanner' | 'reference' = 'kernel',
  ) {
    this.reader = new FieldReader(archive, layout.names);
    this.codes = Int32Array.from(layout.roles, (r) => ROLE_CODE[r]);
    if (layout.roles.includes('textId')) builder.useTextIds();
    this.direction = layout.order === 'either' ? 0 : 1;
    this.quantitySlot = builder.type === 'trade_tick' ? 1 : 4;
    this.offsetNanos = Number(rules.stampOffsetNs);
    this.offsetMicros = this.offsetNanos / 1000;
    this.offsetMs = this.offsetNanos / 1_000_000;
    const shape = fastPath !== 'reference' ? tradeShape(layout) : undefined;
    this.scanner = shape ? new TradeScanner(this, builder, rules, series, shape, fastPath === 'kernel') : undefined;
  }

  /** A block of complete lines: through the fast path when there is one, else line by line. */
  lines(buf: Uint8Array, start: number, end: number, lineNumber: number): number {
    return this.scanner ? this.scanner.lines(buf, start, end, lineNumber) : eachLine(this, buf, start, end, lineNumber);
  }

  line(buf: Uint8Array, start: number, end: number, lineNumber: number): void {
    if (!this.started) {
      this.started = true;
      const c = buf[start]!;
      const numeric = c >= 48 && c <= 57;
      if (!numeric) {
        // A header row: its first field is not numeric.
        if (this.layout.header === 'required') this.checkHeader(buf, start, end);
        return;
      }
      if (this.layout.header === 'required') {
        throw new ImportError('IMPORT_BAD_ARCHIVE', `${this.archive} line 1: expected a header row (${this.layout.names.join(',')}), was a data row; check --market matches the archive`, { archive: this.archive, line: 1 });
      }
    }
    const r = this.reader;
    const b = this.builder;
    const row = b.length;
    const codes = this.codes;
    const width = b.width;
    const series = this.series;
    let day = 0;
    r.begin(buf, start, end, lineNumber);
    for (let f = 0; f < codes.length; f++) {
      if (f > 0) r.next(f);
      const code = codes[f]!;
      if (code >= 10) {
        const slot = code - 10;
        const decimals = r.decimal(b.fixedWords[slot]!, row, width, slot !== this.quantitySlot);
        if (decimals > series.decimals[slot]!) {
          if (decimals > this.rules.maxDecimals[slot]!) this.tooPrecise(slot, decimals);
          series.decimals[slot] = decimals;
        }
        if (r.zero && this.rules.positive.includes(slot)) r.fail('must be positive');
      } else if (code === 1) {
        day = this.time(r, row);
      } else if (code === 2) {
        r.secondsFraction();
        day = this.seconds(r, row);
      } else if (code === 3) {
        const id = r.uint();
        if (series.lastId >= 0 && id !== series.lastId + 1) this.idJump(id, lineNumber);
        series.lastId = id;
        b.tradeIdNumber[row] = id;
      } else if (code === 4) {
        b.tradeId[row] = r.text();
      } else if (code === 5) {
        b.aggressor[row] = r.bool() ? SELLER : BUYER;
      } else if (code === 6) {
        b.aggressor[row] = r.buySell() ? BUYER : SELLER;
      } else {
        r.skip();
      }
    }
    r.done();
    this.rows++;
    b.commit(day);
  }

  /** Reads a ms or µs event time (unit chosen per value by magnitude); returns its UTC day. */
  private time(r: FieldReader, row: number): number {
    const value = r.uint();
    let micros: number;
    if (value >= 1e15 && value < 1e17) {
      micros = value;
      writeScaledU64(this.builder.tsWords, row * 2, value + this.offsetMicros, 1000, 0);
    } else if (value >= 1e12 && value < 1e14) {
      micros = value * 1000;
      writeScaledU64(this.builder.tsWords, row * 2, value + this.offsetMs, 1_000_000, 0);
    } else {
      return r.fail('timestamp out of range: neither milliseconds (13 digits) nor microseconds (16 digits) since 1970');
    }
    // The day is recomputed only when a row leaves the current one (a division per row costs).
    if (micros < this.dayStartMicros || micros >= this.dayEndMicros) this.enterDay(micros);
    this.checkTime(r, micros, this.currentDay);
    return this.currentDay;
  }

  /** The UTC day of the last row's time, and its [start, end) in µs (shared with the fast path). */
  currentDay = -1;
  dayStartMicros = 0;
  dayEndMicros = -1;

  enterDay(micros: number): void {
    this.currentDay = Math.floor(micros / MICROS_PER_DAY);
    this.dayStartMicros = this.currentDay * MICROS_PER_DAY;
    this.dayEndMicros = this.dayStartMicros + MICROS_PER_DAY;
  }

  /** Stores the seconds + nanoseconds the reader parsed; returns their UTC day. */
  private seconds(r: FieldReader, row: number): number {
    const seconds = r.seconds;
    if (seconds < 1e9 || seconds >= 1e11) return r.fail('timestamp out of range: not seconds since 1970 like 1704326400.1000');
    const day = Math.floor(seconds / SECONDS_PER_DAY);
    writeScaledU64(this.builder.tsWords, row * 2, seconds, 1e9, r.nanos + this.offsetNanos);
    this.checkTime(r, seconds * 1e6 + Math.floor(r.nanos / 1000), day);
    return day;
  }

  private checkTime(r: FieldReader, micros: number, day: number): void {
    if (day < this.rules.firstDay || day > this.rules.lastDay) {
      const range = this.rules.firstDay === this.rules.lastDay ? dayToIso(this.rules.firstDay) : `${dayToIso(this.rules.firstDay)}..${dayToIso(this.rules.lastDay)}`;
      r.fail(`timestamp out of range: ${dayToIso(day)} is outside the archive's ${range}`);
    }
    const last = this.series.lastMicros;
    if (last >= 0 && micros !== last) {
      if (this.direction === 0) this.direction = micros > last ? 1 : -1;
      else if ((micros - last) * this.direction < 0) {
        r.fail(`timestamp is ${this.direction > 0 ? 'earlier' : 'later'} than the previous row's; the archive is not in time order`);
      }
    }
    this.series.lastMicros = micros;
  }

  /** Checks a required header names the layout's columns (plus allowed trailing ones) and adopts its column count. */
  private checkHeader(buf: Uint8Array, start: number, end: number): void {
    const names = Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('latin1').split(',').map((n) => n.trim());
    const expected = this.layout.names;
    const extra = names.slice(expected.length);
    const allowed = (this.layout.optionalTrailing ?? []).map((n) => n.toLowerCase());
    const same = expected.every((name, i) => (names[i] ?? '').toLowerCase() === name.toLowerCase());
    if (!same || extra.some((n) => !allowed.includes(n.toLowerCase()))) {
      throw new ImportError(
        'IMPORT_BAD_ARCHIVE',
        `${this.archive} line 1: header ${JSON.stringify(names.join(','))} is not the expected ${JSON.stringify(expected.join(','))}${allowed.length ? ` (optionally followed by ${allowed.join(',')})` : ''}; check --market matches the archive`,
        { archive: this.archive, line: 1 },
      );
    }
    if (extra.length > 0) {
      this.reader = new FieldReader(this.archive, names);
      this.codes = Int32Array.from([...this.layout.roles, ...extra.map((): Role => 'skip')], (r) => ROLE_CODE[r]);
    }
  }

  private idJump(id: number, line: number): void {
    const series = this.series;
    if (id <= series.lastId) {
      series.idGaps.push({ archive: this.archive, line, afterId: series.lastId, nextId: id });
      return;
    }
    series.missingIds += id - series.lastId - 1;
    series.idGaps.push({ archive: this.archive, line, afterId: series.lastId, nextId: id });
  }

  private tooPrecise(slot: number, decimals: number): never {
    const name = this.rules.precisionNames[slot] ?? 'value';
    const flag = name === 'price' ? '--price-precision' : '--size-precision';
    throw new ImportError(
      'IMPORT_PRECISION',
      `${this.archive} line ${this.reader.line}, field ${this.layout.names[this.reader.field]}: has ${decimals} decimals, more than the instrument's ${name} precision ${this.rules.maxDecimals[slot]}; NautilusTrader needs one precision per instrument — re-run with ${flag} ${decimals} (and --force for days already written) or pass --exchange-info`,
      { archive: this.archive, line: this.reader.line, field: this.layout.names[this.reader.field] ?? '' },
    );
  }
}
