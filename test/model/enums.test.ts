import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  AggregationSource,
  AggressorSide,
  BarAggregation,
  BookAction,
  type EnumObject,
  enumName,
  enumTypeName,
  OrderSide,
  parseEnum,
  PriceType,
  RecordFlag,
  recordFlagNames,
} from '../../src/model/enums.js';
import { ModelError } from '../../src/model/errors.js';

const ALL: EnumObject[] = [AggressorSide, BookAction, OrderSide, RecordFlag, PriceType, AggregationSource, BarAggregation];

describe('enum values (spec section 4)', () => {
  it('match crates/model/src/enums.rs', () => {
    assert.deepEqual({ ...AggressorSide }, { NO_AGGRESSOR: 0, BUYER: 1, SELLER: 2 });
    assert.deepEqual({ ...BookAction }, { ADD: 1, UPDATE: 2, DELETE: 3, CLEAR: 4 });
    assert.deepEqual({ ...OrderSide }, { NO_ORDER_SIDE: 0, BUY: 1, SELL: 2 });
    assert.deepEqual({ ...RecordFlag }, { F_LAST: 128, F_TOB: 64, F_SNAPSHOT: 32, F_MBP: 16, RESERVED_2: 8, RESERVED_1: 4 });
    assert.deepEqual({ ...PriceType }, { BID: 1, ASK: 2, MID: 3, LAST: 4, MARK: 5 });
    assert.deepEqual({ ...AggregationSource }, { EXTERNAL: 1, INTERNAL: 2 });
  });

  it('lists BarAggregation 1 TICK … 18 RENKO in order', () => {
    assert.deepEqual(Object.entries(BarAggregation), [
      ['TICK', 1], ['TICK_IMBALANCE', 2], ['TICK_RUNS', 3], ['VOLUME', 4], ['VOLUME_IMBALANCE', 5],
      ['VOLUME_RUNS', 6], ['VALUE', 7], ['VALUE_IMBALANCE', 8], ['VALUE_RUNS', 9], ['MILLISECOND', 10],
      ['SECOND', 11], ['MINUTE', 12], ['HOUR', 13], ['DAY', 14], ['WEEK', 15], ['MONTH', 16], ['YEAR', 17], ['RENKO', 18],
    ]);
  });

  it('are frozen', () => {
    assert.equal(Object.isFrozen(BookAction), true);
    assert.throws(() => {
      (BookAction as unknown as Record<string, number>).ADD = 9;
    }, TypeError);
  });

  it('know their Nautilus type names', () => {
    assert.equal(enumTypeName(AggressorSide), 'AggressorSide');
    assert.equal(enumTypeName(BarAggregation), 'BarAggregation');
    assert.throws(() => enumTypeName({ A: 1 }), TypeError);
  });
});

describe('enumName', () => {
  it('returns names of members', () => {
    assert.equal(enumName(AggressorSide, 1), 'BUYER');
    assert.equal(enumName(BookAction, 2), 'UPDATE');
    assert.equal(enumName(OrderSide, 0), 'NO_ORDER_SIDE');
    assert.equal(enumName(BarAggregation, 18), 'RENKO');
    assert.equal(enumName(RecordFlag, 128), 'F_LAST');
  });

  it('throws ModelError with kind, value and the valid members', () => {
    assert.throws(
      () => enumName(BookAction, 0),
      (error: unknown) => {
        assert.ok(error instanceof ModelError);
        assert.equal(error.kind, 'book_action');
        assert.equal(error.value, '0');
        assert.equal(error.message, 'BookAction value must be one of 1 (ADD), 2 (UPDATE), 3 (DELETE), 4 (CLEAR), was 0');
        return true;
      },
    );
    assert.throws(() => enumName(AggressorSide, 3), /AggressorSide value must be one of .*, was 3$/);
  });
});

describe('parseEnum', () => {
  it('parses names in any case', () => {
    assert.equal(parseEnum(BookAction, 'UPDATE'), 2);
    assert.equal(parseEnum(BookAction, 'update'), 2);
    assert.equal(parseEnum(AggressorSide, 'Seller'), 2);
    assert.equal(parseEnum(BarAggregation, 'tick_imbalance'), 2);
  });

  it('parses member numbers written as text', () => {
    assert.equal(parseEnum(OrderSide, '0'), 0);
    assert.equal(parseEnum(BarAggregation, '18'), 18);
    assert.equal(parseEnum(RecordFlag, '128'), 128);
  });

  it('rejects unknown names and non-member numbers', () => {
    assert.throws(
      () => parseEnum(OrderSide, 'buyer'),
      (error: unknown) =>
        error instanceof ModelError &&
        error.kind === 'order_side' &&
        error.message === 'OrderSide must be one of NO_ORDER_SIDE, BUY, SELL (or 0, 1, 2), was "buyer"',
    );
    for (const text of ['', '0', '5', ' ADD', 'ADD ', '1.0', '-1', '01x']) {
      assert.throws(() => parseEnum(BookAction, text), ModelError, JSON.stringify(text));
    }
  });

  it('inverts enumName for every member of every enum, by name and by number', () => {
    const members = fc.constantFrom(...ALL.flatMap((e) => Object.entries(e).map(([name, value]) => ({ e, name, value }))));
    fc.assert(
      fc.property(members, fc.boolean(), ({ e, name, value }, lower) => {
        assert.equal(enumName(e, value), name);
        assert.equal(parseEnum(e, lower ? name.toLowerCase() : name), value);
        assert.equal(parseEnum(e, String(value)), value);
      }),
    );
  });
});

describe('recordFlagNames', () => {
  it('returns set bits highest first', () => {
    assert.deepEqual(recordFlagNames(0), []);
    assert.deepEqual(recordFlagNames(160), ['F_LAST', 'F_SNAPSHOT']);
    assert.deepEqual(recordFlagNames(252), ['F_LAST', 'F_TOB', 'F_SNAPSHOT', 'F_MBP', 'RESERVED_2', 'RESERVED_1']);
  });

  it('rejects undefined bits and non-UInt8 values', () => {
    assert.throws(() => recordFlagNames(1), /flags must be an OR of RecordFlag bits .*, was 1$/);
    assert.throws(() => recordFlagNames(256), ModelError);
    assert.throws(() => recordFlagNames(-4), ModelError);
  });
});
