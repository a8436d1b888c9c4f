/**
 * What a maintenance command acts on: the optional `<type> [<id>]` the user typed, checked
 * before anything is read (a type must be market data, an id must stay inside its folder),
 * and expanded to every market type present when omitted. Swaps a crash interrupted are
 * finished by catalog/recover.ts before every mutating command.
 */
import { tryResolveDataType } from '../../catalog/data-types.js';
import { identifierFolder } from '../../catalog/identifier-path.js';
import type { CatalogLayout } from '../../catalog/layout.js';
import { marketType } from '../../catalog/reader.js';
import type { MarketDataType } from '../../model/frames.js';

export interface Scope {
  /** Market data types to act on (folder keys such as `quote_tick`). */
  readonly types: MarketDataType[];
  /** Instrument id or bar type; undefined for every identifier. */
  readonly identifier: string | undefined;
}

/**
 * Returns the scope of `[<type> [<id>]]`; without a type, every market type the catalog has
 * a folder for (the folder names alone: no file is listed or stat'ed).
 *
 * Throws CatalogError `CATALOG_UNKNOWN_TYPE` for a type that is not market data and
 * `CATALOG_BAD_IDENTIFIER` for an id that could escape its folder (`..`, `/x`, NUL, `\`).
 */
export async function resolveScope(layout: CatalogLayout, type: string | undefined, identifier: string | undefined): Promise<Scope> {
  if (type === undefined) {
    const present = new Set<MarketDataType>();
    for (const folder of await layout.listDataFolders()) {
      const descriptor = tryResolveDataType(folder);
      if (descriptor?.kind === 'market') present.add(descriptor.key);
    }
    return { types: [...present].sort(), identifier: undefined };
  }
  const key = marketType(type).key;
  if (identifier !== undefined) identifierFolder(identifier);
  return { types: [key], identifier };
}
