/**
 * Decides the price and size precision of an import, once, before any day is written —
 * NautilusTrader needs one precision per instrument, and one metadata per catalog folder.
 * In order of authority:
 *
 * 1. the folder's existing files (a resumed or extended import keeps what is there);
 * 2. the catalog's instrument definition;
 * 3. `--price-precision` / `--size-precision`;
 * 4. exchange info (`--exchange-info`): decimals of tickSize and stepSize;
 * 5. inferred: the most decimals in the first archive of the range (reported as such).
 *
 * A source lower in the list that disagrees with a higher one is an error, not a silent
 * choice. A later row with more decimals than the plan fails the import at that row
 * (IMPORT_PRECISION) with the flag to re-run with.
 */
import type { InstrumentRecord } from '../../catalog/instruments.js';
import type { FrameMeta } from '../../model/frames.js';
import { ImportError } from './errors.js';
import type { SymbolRules } from './exchange-info.js';

export interface PrecisionChoice {
  readonly price: number;
  readonly size: number;
  readonly source: string;
}

export interface PrecisionInputs {
  readonly folder?: FrameMeta;
  readonly instrument?: InstrumentRecord;
  readonly flags?: { readonly price?: number; readonly size?: number };
  readonly rules?: SymbolRules;
  /** Scans data for decimals; called only when nothing above decides. */
  readonly infer: () => Promise<{ price: number; size: number; archive: string } | undefined>;
}

/** The `--price-precision` / `--size-precision` given, as PrecisionInputs' flags; undefined when neither was. */
export function precisionFlags(price: number | undefined, size: number | undefined): PrecisionInputs['flags'] {
  if (price === undefined && size === undefined) return undefined;
  return { ...(price !== undefined ? { price } : {}), ...(size !== undefined ? { size } : {}) };
}

export async function choosePrecision(inputs: PrecisionInputs): Promise<PrecisionChoice> {
  const candidates: PrecisionChoice[] = [];
  if (inputs.folder) candidates.push({ price: inputs.folder.pricePrecision, size: inputs.folder.sizePrecision, source: 'the catalog folder\'s existing files' });
  const inst = inputs.instrument;
  if (inst && typeof inst['price_precision'] === 'number' && typeof inst['size_precision'] === 'number') {
    candidates.push({ price: inst['price_precision'], size: inst['size_precision'], source: 'the catalog\'s instrument definition' });
  }
  const flags = inputs.flags;
  if (flags?.price !== undefined || flags?.size !== undefined) {
    const base = candidates[0] ?? (inputs.rules ? { price: inputs.rules.pricePrecision, size: inputs.rules.sizePrecision } : undefined);
    if (flags.price === undefined || flags.size === undefined) {
      if (!base) throw new ImportError('IMPORT_USAGE', 'give both --price-precision and --size-precision (or --exchange-info)');
    }
    candidates.push({ price: flags.price ?? base!.price, size: flags.size ?? base!.size, source: '--price-precision/--size-precision' });
  }
  if (inputs.rules) candidates.push({ price: inputs.rules.pricePrecision, size: inputs.rules.sizePrecision, source: 'exchange info (tickSize, stepSize)' });

  const chosen = candidates[0];
  if (chosen) {
    const clash = candidates.find((c) => c.price !== chosen.price || c.size !== chosen.size);
    if (clash) {
      throw new ImportError(
        'IMPORT_PRECISION',
        `precision from ${chosen.source} is price ${chosen.price}, size ${chosen.size}, but ${clash.source} says price ${clash.price}, size ${clash.size}; NautilusTrader needs one precision per instrument — drop the disagreeing option, or import into a new catalog`,
      );
    }
    return chosen;
  }
  const inferred = await inputs.infer();
  if (!inferred) throw new ImportError('IMPORT_PRECISION', 'no archive of the range could be read to infer precisions; pass --price-precision and --size-precision or --exchange-info');
  return { price: inferred.price, size: inferred.size, source: `inferred from the decimals in ${inferred.archive}` };
}
