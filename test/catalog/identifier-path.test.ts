import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { CatalogError } from '../../src/catalog/errors.js';
import { escapeIdentifier, identifierFolder, matchIdentifierFolders, safeJoin } from '../../src/catalog/identifier-path.js';

function code(expected: string) {
  return (error: unknown) => error instanceof CatalogError && error.code === expected;
}

describe('escapeIdentifier', () => {
  it('removes every / and nothing else, like urisafe_identifier', () => {
    assert.equal(escapeIdentifier('EUR/USD.SIM'), 'EURUSD.SIM');
    assert.equal(escapeIdentifier('EUR/USD.SIM-1-MINUTE-BID-EXTERNAL'), 'EURUSD.SIM-1-MINUTE-BID-EXTERNAL');
    assert.equal(escapeIdentifier('^SPX.CBOE'), '^SPX.CBOE');
    assert.equal(escapeIdentifier('A/B/C.X'), 'ABC.X');
    assert.equal(escapeIdentifier('BTC USDT%.X'), 'BTC USDT%.X');
  });
});

describe('identifierFolder', () => {
  it('returns the escaped folder for ordinary ids and bar types', () => {
    assert.equal(identifierFolder('EUR/USD.SIM'), 'EURUSD.SIM');
    assert.equal(identifierFolder('BTCUSDT-PERP.BINANCE-1-MINUTE-LAST-EXTERNAL'), 'BTCUSDT-PERP.BINANCE-1-MINUTE-LAST-EXTERNAL');
    assert.equal(identifierFolder('^SPX.CBOE'), '^SPX.CBOE');
    assert.equal(identifierFolder('A..B.SIM'), 'A..B.SIM');
  });

  it('rejects every traversal attempt and unusable id with CATALOG_BAD_IDENTIFIER', () => {
    for (const id of ['', '.', '..', '/', '//', '../x', 'a/../../b', './x', 'x/..', 'x/.', '/etc/passwd', '/tmp', 'C:\\Windows', '..\\x', 'a\\b', 'EUR\0USD.SIM', './..']) {
      assert.throws(() => identifierFolder(id), code('CATALOG_BAD_IDENTIFIER'), JSON.stringify(id));
    }
  });

  it('names the offending id in the message', () => {
    assert.throws(() => identifierFolder('../x'), /was "\.\.\/x"/);
  });
});

describe('safeJoin', () => {
  const root = resolve('/srv/catalog');
  it('joins names inside the root', () => {
    assert.equal(safeJoin(root, 'data', 'bar', 'EURUSD.SIM'), join(root, 'data', 'bar', 'EURUSD.SIM'));
    assert.equal(safeJoin(root, 'data', '..x'), join(root, 'data', '..x'));
    assert.equal(safeJoin(root), root);
    assert.equal(safeJoin(root, 'data', '..'), root);
  });

  it('rejects every path that leaves the root with CATALOG_PATH_ESCAPE', () => {
    for (const parts of [['..'], ['../x'], ['data', '..', '..', 'b'], ['a/../../b'], ['/etc/passwd'], ['data', '/etc'], ['../catalog2'], ['..', 'catalog', '..', 'other']]) {
      assert.throws(() => safeJoin(root, ...parts), code('CATALOG_PATH_ESCAPE'), parts.join(' | '));
    }
  });

  it('does not take a sibling with the root as a name prefix for the inside', () => {
    assert.throws(() => safeJoin(root, '../catalog-evil/x'), code('CATALOG_PATH_ESCAPE'));
  });
});

describe('matchIdentifierFolders', () => {
  const folders = ['EURUSD.SIM', 'EURUSD.SIM-1-MINUTE-BID-EXTERNAL', 'EURUSD.SIM-1-MINUTE-ASK-EXTERNAL', 'EURUSD.SIMX', 'GBPUSD.SIM-1-MINUTE-BID-EXTERNAL'];

  it('matches exactly, after escaping the request', () => {
    assert.deepEqual(matchIdentifierFolders('quote_tick', 'EUR/USD.SIM', folders), ['EURUSD.SIM']);
    assert.deepEqual(matchIdentifierFolders('bar', 'EUR/USD.SIM-1-MINUTE-BID-EXTERNAL', folders), ['EURUSD.SIM-1-MINUTE-BID-EXTERNAL']);
  });

  it('never prefix-matches for types other than bars', () => {
    assert.deepEqual(matchIdentifierFolders('quote_tick', 'GBPUSD.SIM', folders), []);
  });

  it('falls back to the `<id>-` prefix for bars only when nothing matches exactly', () => {
    assert.deepEqual(matchIdentifierFolders('bar', 'GBPUSD.SIM', folders), ['GBPUSD.SIM-1-MINUTE-BID-EXTERNAL']);
    // An exact folder exists, so the bar types of EURUSD.SIM are not selected.
    assert.deepEqual(matchIdentifierFolders('bar', 'EURUSD.SIM', folders), ['EURUSD.SIM']);
    const barsOnly = folders.filter((f) => f !== 'EURUSD.SIM');
    assert.deepEqual(matchIdentifierFolders('bar', 'EURUSD.SIM', barsOnly), ['EURUSD.SIM-1-MINUTE-BID-EXTERNAL', 'EURUSD.SIM-1-MINUTE-ASK-EXTERNAL']);
    assert.deepEqual(matchIdentifierFolders('bar', 'EURUSD', barsOnly), []);
  });
});
