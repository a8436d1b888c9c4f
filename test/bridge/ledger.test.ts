// FIFO realized PnL: examples, a fast-check property against a deliberately different
// reference (every fill cut into unit lots, one queue per instrument), and the CLI on a real
// exec:fills stream.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { FifoLedger, type LedgerFill } from '../../src/bridge/fifo-ledger.js';
import { run } from '../helpers/cli-run.js';
import { type RedisServer, startRedis } from '../helpers/redis-server.js';
import { client } from './harness.js';

describe('FIFO ledger', () => {
  it('closes the oldest lots first, both directions, with exact decimals', () => {
    const ledger = new FifoLedger();
    const fill = (side: 'BUY' | 'SELL', qty: string, price: string, fee = '0.10'): LedgerFill => ({ instrumentId: 'BTCUSDT.BINANCE', side, qty, price, fee, feeCurrency: 'USDT', currency: 'USDT' });
    ledger.apply(fill('BUY', '1', '100.1'));
    ledger.apply(fill('BUY', '2', '100.2'));
    ledger.apply(fill('SELL', '1.5', '100.4')); // closes 1 @ 100.1 (+0.3) and 0.5 @ 100.2 (+0.1)
    ledger.apply(fill('SELL', '3', '99.9')); // closes 1.5 @ 100.2 (-0.45), opens a 1.5 short @ 99.9
    ledger.apply(fill('BUY', '0.5', '99.7')); // closes 0.5 of the short (+0.1)
    const [result] = ledger.results();
    assert.deepEqual(result, { instrumentId: 'BTCUSDT.BINANCE', realizedPnl: '0.05', currency: 'USDT', position: '-1', openLots: 1, fees: { USDT: '0.5' }, fills: 5 });
    // 0.1 + 0.2 is exactly 0.3 here, never 0.30000000000000004.
    const exact = new FifoLedger();
    exact.apply({ instrumentId: 'X.Y', side: 'BUY', qty: '1', price: '0.1' });
    exact.apply({ instrumentId: 'X.Y', side: 'SELL', qty: '1', price: '0.4' });
    assert.equal(exact.results()[0]!.realizedPnl, '0.3');
  });

  it('rejects a non-decimal price or a zero quantity, naming the instrument', () => {
    assert.throws(() => new FifoLedger().apply({ instrumentId: 'X.Y', side: 'BUY', qty: '1', price: '1e3' }), /price of X\.Y must be a plain decimal/);
    assert.throws(() => new FifoLedger().apply({ instrumentId: 'X.Y', side: 'BUY', qty: '0', price: '1' }), /qty must be > 0/);
  });

  it('property: equals a unit-lot reference implementation', () => {
    // Quantities with up to 2 decimals and prices with up to 3: the reference works in integer
    // hundredths of a unit and thousandths of a price, one queue entry per hundredth.
    const fillArb = fc.record({
      instrument: fc.constantFrom('A.X', 'B.X'),
      side: fc.constantFrom<'BUY' | 'SELL'>('BUY', 'SELL'),
      qtyHundredths: fc.integer({ min: 1, max: 400 }),
      priceThousandths: fc.integer({ min: 1, max: 500_000 }),
    });
    fc.assert(
      fc.property(fc.array(fillArb, { maxLength: 40 }), (fills) => {
        const ledger = new FifoLedger();
        const reference = new Map<string, { queue: { sign: number; price: number }[]; pnl: bigint }>();
        for (const f of fills) {
          ledger.apply({ instrumentId: f.instrument, side: f.side, qty: (f.qtyHundredths / 100).toFixed(2), price: (f.priceThousandths / 1000).toFixed(3) });
          const book = reference.get(f.instrument) ?? { queue: [], pnl: 0n };
          reference.set(f.instrument, book);
          const sign = f.side === 'BUY' ? 1 : -1;
          for (let unit = 0; unit < f.qtyHundredths; unit++) {
            const head = book.queue[0];
            if (head && head.sign !== sign) {
              book.queue.shift();
              book.pnl += BigInt(head.sign * (f.priceThousandths - head.price)); // in 1/100 × 1/1000 units
            } else book.queue.push({ sign, price: f.priceThousandths });
          }
        }
        for (const result of ledger.results()) {
          const book = reference.get(result.instrumentId)!;
          const [whole, fraction = ''] = result.realizedPnl.replace('-', '').split('.');
          const scaled = BigInt(whole! + fraction.padEnd(5, '0')) * (result.realizedPnl.startsWith('-') ? -1n : 1n);
          assert.equal(scaled, book.pnl, `${result.instrumentId}: ${result.realizedPnl}`);
          const position = book.queue.reduce((sum, lot) => sum + lot.sign, 0);
          assert.equal(result.position, formatHundredths(position));
        }
      }),
      { numRuns: 500 },
    );
  });
});

function formatHundredths(n: number): string {
  const text = (Math.abs(n) / 100).toFixed(2).replace(/\.?0+$/, '');
  return n < 0 ? `-${text}` : text === '' ? '0' : text;
}

describe('seamless bridge ledger', () => {
  let server: RedisServer;
  let redis: Redis;
  before(async () => {
    server = await startRedis();
    redis = client(server.url);
  });
  after(async () => {
    redis.disconnect();
    await server.stop();
  });

  it('prints realized PnL per instrument from exec:fills', async () => {
    const add = (side: string, qty: string, price: string, instrument = 'EUR/USD.SIM') => redis.xadd('exec:fills', '*', 'fill_id', 'x', 'price', price, 'qty', qty, 'fee', '2.00', 'fee_currency', 'USD', 'side', side, 'instrument_id', instrument, 'currency', 'USD');
    await add('BUY', '100000', '1.10000');
    await add('SELL', '100000', '1.10250');
    await add('SELL', '10', '50000.5', 'BTCUSDT.BINANCE');
    const result = await run('bridge', 'ledger', '--redis', server.url);
    assert.equal(result.code, 0, result.err);
    assert.match(result.out, /EUR\/USD\.SIM\s+250\s+USD\s+0\s+0\s+2\s+4 USD/);
    assert.match(result.out, /BTCUSDT\.BINANCE\s+0\s+USD\s+-10\s+1\s+1\s+2 USD/);
    const json = await run('bridge', 'ledger', '--redis', server.url, '--json');
    assert.equal(JSON.parse(json.out)[1].realizedPnl, '250');
  });

  it('names a bad entry instead of crashing', async () => {
    await redis.xadd('bad:fills', '*', 'side', 'SIDEWAYS', 'instrument_id', 'A.B', 'qty', '1', 'price', '1');
    const result = await run('bridge', 'ledger', '--redis', server.url, '--stream', 'bad:fills');
    assert.equal(result.code, 1);
    assert.match(result.err, /bad:fills entry \d+-\d+: side must be BUY or SELL, was "SIDEWAYS"/);
  });
});
