/**
 * NautilusTrader identifiers as branded strings, parsed like the Rust `FromStr` impls
 * (`identifiers/instrument_id.rs`, `data/bar.rs`).
 *
 * | type             | form                                                     | split at              |
 * |------------------|----------------------------------------------------------|-----------------------|
 * | Venue            | non-empty ASCII without `.`                              | —                     |
 * | InstrumentId     | `{symbol}.{venue}`                                       | the LAST `.`          |
 * | BarSpecification | `{step}-{AGGREGATION}-{PRICE_TYPE}`                      | `-`                   |
 * | BarType          | `{instrument_id}-{step}-{AGG}-{PRICE_TYPE}-{SOURCE}`     | the LAST FOUR `-`     |
 * | composite        | `{standard}@{step}-{AGG}-{SOURCE}`                       | the first `@`         |
 *
 * The symbol may contain `.`, `/` and `-` (`1.166564490-60424-0.0.BETFAIR`), which is why
 * every split counts from the right. Parsers return the canonical text (`value`):
 * enum names upper-cased and steps without leading zeros, as Nautilus prints them.
 */
import { type ParseResult, ModelError, tryModel } from './errors.js';
import { AggregationSource, BarAggregation, type EnumKey, parseEnum, PriceType, enumName } from './enums.js';

declare const BRAND: unique symbol;
/** A string that has passed the parser named by `B`. */
export type Branded<B extends string> = string & { readonly [BRAND]: B };

export type Venue = Branded<'Venue'>;
export type InstrumentId = Branded<'InstrumentId'>;
export type BarSpecification = Branded<'BarSpecification'>;
export type BarType = Branded<'BarType'>;

export type BarAggregationName = EnumKey<typeof BarAggregation>;
export type PriceTypeName = EnumKey<typeof PriceType>;
export type AggregationSourceName = EnumKey<typeof AggregationSource>;

export interface InstrumentIdParts {
  readonly symbol: string;
  readonly venue: Venue;
  readonly value: InstrumentId;
}

export interface BarSpecificationParts {
  readonly step: number;
  readonly aggregation: BarAggregationName;
  readonly priceType: PriceTypeName;
  readonly value: BarSpecification;
}

/** The `@{step}-{AGG}-{SOURCE}` suffix of a composite bar type. */
export interface CompositeSource {
  readonly step: number;
  readonly aggregation: BarAggregationName;
  readonly aggregationSource: AggregationSourceName;
}

export interface BarTypeParts {
  readonly instrumentId: InstrumentIdParts;
  readonly spec: BarSpecificationParts;
  readonly aggregationSource: AggregationSourceName;
  /** Present only for composite bar types. */
  readonly composite?: CompositeSource;
  readonly value: BarType;
}

/** What `formatBarType` needs; a BarTypeParts qualifies. Enum names may be in any case. */
export interface BarTypeInput {
  readonly instrumentId: string | { readonly value: string };
  readonly spec: { readonly step: number; readonly aggregation: string; readonly priceType: string };
  readonly aggregationSource: string;
  readonly composite?: { readonly step: number; readonly aggregation: string; readonly aggregationSource: string } | undefined;
}

const INSTRUMENT_EXAMPLE = '(example: "BTCUSDT.BINANCE")';
const SPEC_EXAMPLE = '(example: "1-MINUTE-LAST")';
const BAR_TYPE_EXAMPLE = '(example: "BTCUSDT-PERP.BINANCE-1-MINUTE-LAST-EXTERNAL" or "AUD/USD.SIM-5-MINUTE-LAST-INTERNAL@1-MINUTE-EXTERNAL")';

// C0, DEL and C1 controls; in `u` mode a surrogate class matches only lone surrogates,
// which UTF-8 (and so Parquet metadata) cannot encode.
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\ud800-\udfff]/u;
const BLANK = /^\s*$/;
const VENUE_CHARS = /^[\x20-\x2d\x2f-\x7e]+$/; // printable ASCII except '.'

function checkText(kind: string, label: string, text: string, example: string): void {
  if (FORBIDDEN.test(text)) {
    throw new ModelError(kind, text, `${label} must not contain control characters or invalid UTF-16, was ${JSON.stringify(text)} ${example}`);
  }
}

/**
 * Returns `text` as a Venue.
 *
 * Throws ModelError when it is empty, blank, non-ASCII, or contains `.` or control characters.
 */
export function parseVenue(text: string): Venue {
  const example = '(example: "BINANCE")';
  checkText('venue', 'Venue', text, example);
  if (BLANK.test(text) || !VENUE_CHARS.test(text)) {
    throw new ModelError('venue', text, `Venue must be non-empty printable ASCII without '.', was ${JSON.stringify(text)} ${example}`);
  }
  return text as Venue;
}

/** Returns the outcome of `parseVenue` without throwing. */
export function tryParseVenue(text: string): ParseResult<Venue> {
  return tryModel(() => parseVenue(text));
}

/**
 * Returns the symbol, venue and text of an InstrumentId, split at the last `.`.
 *
 * Throws ModelError when there is no `.`, the symbol is empty or blank, or the venue is invalid.
 */
export function parseInstrumentId(text: string): InstrumentIdParts {
  checkText('instrument_id', 'InstrumentId', text, INSTRUMENT_EXAMPLE);
  const dot = text.lastIndexOf('.');
  if (dot < 0) {
    throw new ModelError('instrument_id', text, `InstrumentId must be "{symbol}.{venue}", was ${JSON.stringify(text)} ${INSTRUMENT_EXAMPLE}`);
  }
  const symbol = text.slice(0, dot);
  const venueText = text.slice(dot + 1);
  if (BLANK.test(symbol)) {
    throw new ModelError('instrument_id', text, `InstrumentId symbol (before the last '.') must be non-empty, was ${JSON.stringify(text)} ${INSTRUMENT_EXAMPLE}`);
  }
  if (BLANK.test(venueText) || !VENUE_CHARS.test(venueText)) {
    throw new ModelError(
      'instrument_id',
      text,
      `InstrumentId venue (after the last '.') must be non-empty printable ASCII, was ${JSON.stringify(venueText)} in ${JSON.stringify(text)} ${INSTRUMENT_EXAMPLE}`,
    );
  }
  return { symbol, venue: venueText as Venue, value: text as InstrumentId };
}

/** Returns the outcome of `parseInstrumentId` without throwing. */
export function tryParseInstrumentId(text: string): ParseResult<InstrumentIdParts> {
  return tryModel(() => parseInstrumentId(text));
}

/**
 * Returns `"{symbol}.{venue}"` as an InstrumentId.
 *
 * Throws ModelError when the symbol is empty or blank or the venue is invalid.
 */
export function formatInstrumentId(symbol: string, venue: string): InstrumentId {
  // The venue has no '.', so splitting at the last '.' gives back exactly this symbol.
  return parseInstrumentId(`${symbol}.${parseVenue(venue)}`).value;
}

function parseStep(kind: string, label: string, token: string, whole: string, example: string): number {
  const step = /^\d+$/.test(token) ? Number(token) : NaN;
  if (!Number.isSafeInteger(step) || step <= 0) {
    throw new ModelError(kind, whole, `${label} step must be an integer > 0, was ${JSON.stringify(token)} in ${JSON.stringify(whole)} ${example}`);
  }
  return step;
}

function parseName<E extends typeof BarAggregation | typeof PriceType | typeof AggregationSource>(
  enumObj: E,
  kind: string,
  label: string,
  token: string,
  whole: string,
  example: string,
): EnumKey<E> {
  // Names only: Nautilus's FromStr takes no numbers here, so '1-12-4' is not a spec.
  if (/^\d+$/.test(token)) {
    throw new ModelError(kind, whole, `${label} must be one of ${Object.keys(enumObj).join(', ')}, was ${JSON.stringify(token)} in ${JSON.stringify(whole)} ${example}`);
  }
  try {
    return enumName(enumObj, parseEnum(enumObj, token)) as EnumKey<E>;
  } catch (error) {
    if (!(error instanceof ModelError)) throw error;
    throw new ModelError(kind, whole, `${label} must be one of ${Object.keys(enumObj).join(', ')}, was ${JSON.stringify(token)} in ${JSON.stringify(whole)} ${example}`, { cause: error });
  }
}

function specFrom(step: number, aggregation: BarAggregationName, priceType: PriceTypeName): BarSpecificationParts {
  return { step, aggregation, priceType, value: `${step}-${aggregation}-${priceType}` as BarSpecification };
}

/**
 * Returns the step, aggregation and price type of `"{step}-{AGGREGATION}-{PRICE_TYPE}"`.
 *
 * Throws ModelError when a part is missing, the step is not an integer > 0, or a name is unknown.
 */
export function parseBarSpecification(text: string): BarSpecificationParts {
  checkText('bar_specification', 'BarSpecification', text, SPEC_EXAMPLE);
  const pieces = text.split('-');
  if (pieces.length !== 3) {
    throw new ModelError('bar_specification', text, `BarSpecification must be "{step}-{AGGREGATION}-{PRICE_TYPE}", was ${JSON.stringify(text)} ${SPEC_EXAMPLE}`);
  }
  const [stepText, aggText, priceText] = pieces as [string, string, string];
  const step = parseStep('bar_specification', 'BarSpecification', stepText, text, SPEC_EXAMPLE);
  const aggregation = parseName(BarAggregation, 'bar_specification', 'BarSpecification aggregation', aggText, text, SPEC_EXAMPLE);
  const priceType = parseName(PriceType, 'bar_specification', 'BarSpecification price type', priceText, text, SPEC_EXAMPLE);
  return specFrom(step, aggregation, priceType);
}

/** Returns the outcome of `parseBarSpecification` without throwing. */
export function tryParseBarSpecification(text: string): ParseResult<BarSpecificationParts> {
  return tryModel(() => parseBarSpecification(text));
}

/**
 * Returns the canonical `"{step}-{AGGREGATION}-{PRICE_TYPE}"` text.
 *
 * Throws ModelError when a part is invalid.
 */
export function formatBarSpecification(spec: BarTypeInput['spec']): BarSpecification {
  return parseBarSpecification(`${spec.step}-${spec.aggregation}-${spec.priceType}`).value;
}

/**
 * Returns the parts of a standard or composite BarType. The part before the first `@` is
 * split at its last four `-`, so the instrument id may contain `-`.
 *
 * Throws ModelError naming the first invalid part.
 */
export function parseBarType(text: string): BarTypeParts {
  checkText('bar_type', 'BarType', text, BAR_TYPE_EXAMPLE);
  const at = text.indexOf('@');
  const standard = at < 0 ? text : text.slice(0, at);
  const pieces = standard.split('-');
  if (pieces.length < 5) {
    throw new ModelError('bar_type', text, `BarType must be "{instrument_id}-{step}-{AGGREGATION}-{PRICE_TYPE}-{SOURCE}", was ${JSON.stringify(text)} ${BAR_TYPE_EXAMPLE}`);
  }
  const [stepText, aggText, priceText, sourceText] = pieces.slice(-4) as [string, string, string, string];
  const idText = pieces.slice(0, -4).join('-');
  let instrumentId: InstrumentIdParts;
  try {
    instrumentId = parseInstrumentId(idText);
  } catch (error) {
    if (!(error instanceof ModelError)) throw error;
    throw new ModelError('bar_type', text, `BarType instrument id is invalid: ${error.message}, in ${JSON.stringify(text)}`, { cause: error });
  }
  const step = parseStep('bar_type', 'BarType', stepText, text, BAR_TYPE_EXAMPLE);
  const aggregation = parseName(BarAggregation, 'bar_type', 'BarType aggregation', aggText, text, BAR_TYPE_EXAMPLE);
  const priceType = parseName(PriceType, 'bar_type', 'BarType price type', priceText, text, BAR_TYPE_EXAMPLE);
  const aggregationSource = parseName(AggregationSource, 'bar_type', 'BarType aggregation source', sourceText, text, BAR_TYPE_EXAMPLE);
  const spec = specFrom(step, aggregation, priceType);
  const standardValue = `${instrumentId.value}-${spec.value}-${aggregationSource}`;
  if (at < 0) return { instrumentId, spec, aggregationSource, value: standardValue as BarType };

  const compositeText = text.slice(at + 1);
  const parts = compositeText.split('-');
  if (parts.length !== 3) {
    throw new ModelError('bar_type', text, `BarType composite part must be "@{step}-{AGGREGATION}-{SOURCE}", was ${JSON.stringify(compositeText)} in ${JSON.stringify(text)} ${BAR_TYPE_EXAMPLE}`);
  }
  const [cStep, cAgg, cSource] = parts as [string, string, string];
  const composite: CompositeSource = {
    step: parseStep('bar_type', 'BarType composite', cStep, text, BAR_TYPE_EXAMPLE),
    aggregation: parseName(BarAggregation, 'bar_type', 'BarType composite aggregation', cAgg, text, BAR_TYPE_EXAMPLE),
    aggregationSource: parseName(AggregationSource, 'bar_type', 'BarType composite aggregation source', cSource, text, BAR_TYPE_EXAMPLE),
  };
  const value = `${standardValue}@${composite.step}-${composite.aggregation}-${composite.aggregationSource}` as BarType;
  return { instrumentId, spec, aggregationSource, composite, value };
}

/** Returns the outcome of `parseBarType` without throwing. */
export function tryParseBarType(text: string): ParseResult<BarTypeParts> {
  return tryModel(() => parseBarType(text));
}

/**
 * Returns the canonical BarType text for its parts (composite when `composite` is set).
 *
 * Throws ModelError when a part is invalid.
 */
export function formatBarType(parts: BarTypeInput): BarType {
  const id = typeof parts.instrumentId === 'string' ? parts.instrumentId : parts.instrumentId.value;
  const { spec, composite } = parts;
  const standard = `${parseInstrumentId(id).value}-${spec.step}-${spec.aggregation}-${spec.priceType}-${parts.aggregationSource}`;
  const text = composite ? `${standard}@${composite.step}-${composite.aggregation}-${composite.aggregationSource}` : standard;
  return parseBarType(text).value;
}
