/**
 * Finishes swaps a crash interrupted (swap.ts), found by folder: a folder whose every file
 * was moved aside shows no `.parquet` file, only its journal and hidden copies, so looking
 * for folders through their visible files would leave its rows invisible.
 */
import { folderCandidates, resolveDataType } from './data-types.js';
import { identifierFolder, matchIdentifierFolders, safeJoin } from './identifier-path.js';
import { type CatalogLayout, NO_IDENTIFIER } from './layout.js';
import { type RecoveredSwap, recoverSwaps } from './swap.js';

/**
 * Finishes every interrupted swap in the catalog's type and identifier folders; with `type`,
 * only in that type's folders (every scheme); with `identifier` too, only in the identifier
 * folders a read of it would select.
 *
 * Throws CatalogError `CATALOG_UNKNOWN_TYPE` or `CATALOG_BAD_IDENTIFIER` for a bad filter.
 */
export async function recoverCatalog(layout: CatalogLayout, filter: { readonly type?: string; readonly identifier?: string } = {}): Promise<RecoveredSwap[]> {
  const descriptor = filter.type === undefined ? undefined : resolveDataType(filter.type);
  if (filter.identifier !== undefined) identifierFolder(filter.identifier);
  let folders = await layout.listDataFolders();
  if (descriptor) {
    const candidates = new Set(folderCandidates(descriptor));
    folders = folders.filter((f) => candidates.has(f));
  }
  const recovered: RecoveredSwap[] = [];
  for (const folder of folders) {
    let ids = (await layout.listIdentifiers(folder)).filter((id) => id !== NO_IDENTIFIER);
    if (filter.identifier === undefined) recovered.push(...(await recoverSwaps(safeJoin(layout.dataDir, folder))));
    else ids = matchIdentifierFolders(descriptor?.key ?? '', filter.identifier, ids);
    for (const id of ids) recovered.push(...(await recoverSwaps(safeJoin(layout.dataDir, folder, id))));
  }
  return recovered;
}
