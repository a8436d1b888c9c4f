/**
 * Identifier sub-folders (spec §1.3): how an instrument id or bar type becomes a folder name,
 * how a request matches folders, and how paths are kept inside the catalog root.
 *
 * NautilusTrader's Python catalog (both 1.221.0 and HEAD) escapes by removing every `/` and
 * nothing else, so `EUR/USD.SIM` lives in `EURUSD.SIM` and `^SPX.CBOE` keeps its `^`.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { CatalogError } from './errors.js';

/** Returns the folder name NautilusTrader's `urisafe_identifier` gives an id: the id without any `/`. */
export function escapeIdentifier(id: string): string {
  return id.replaceAll('/', '');
}

/**
 * Returns the escaped folder name of an instrument id or bar type string, after checking it is
 * safe to use as one path segment.
 *
 * Throws CatalogError `CATALOG_BAD_IDENTIFIER` for an empty id, an id containing NUL or `\`,
 * an id starting with `/` (an absolute path), an id with a `.` or `..` segment, or an id that
 * escapes to an empty, `.` or `..` folder name.
 */
export function identifierFolder(id: string): string {
  const reason = unsafeReason(id);
  if (reason) {
    throw new CatalogError('CATALOG_BAD_IDENTIFIER', `identifier ${reason}, was ${JSON.stringify(id)}; pass an instrument id like EURUSD.SIM or a bar type string`);
  }
  return escapeIdentifier(id);
}

function unsafeReason(id: string): string | null {
  if (id === '') return 'is empty';
  if (id.includes('\0')) return 'contains NUL';
  // `\` is a separator on Windows; no Nautilus identifier contains one.
  if (id.includes('\\')) return 'contains a backslash';
  if (id.startsWith('/')) return 'is an absolute path';
  // Escaping would turn `../x` into the harmless `..x`, but such an id is a traversal attempt, not data.
  if (id.split('/').some((segment) => segment === '.' || segment === '..')) return 'contains a . or .. path segment';
  const folder = escapeIdentifier(id);
  if (folder === '' || folder === '.' || folder === '..') return `escapes to the folder name ${JSON.stringify(folder)}`;
  return null;
}

/**
 * Returns `root` joined with `parts`, resolved to an absolute path.
 *
 * Throws CatalogError `CATALOG_PATH_ESCAPE` when the result is not `root` or inside it.
 * Symbolic links are not followed: this guards against names, not against the filesystem.
 */
export function safeJoin(root: string, ...parts: string[]): string {
  const base = resolve(root);
  const joined = resolve(base, ...parts);
  const rel = relative(base, joined);
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new CatalogError('CATALOG_PATH_ESCAPE', `path resolves outside the catalog root ${base}, was ${JSON.stringify(parts.join(sep))}; use names without .. or absolute paths`, { path: joined });
  }
  return joined;
}

/**
 * Returns the identifier folders among `folders` that a request for `requestedId` selects,
 * as NautilusTrader's `_query_files` does: the folder equal to the escaped id, and, for bars
 * only and only when no folder matches exactly, every folder starting with `<escaped id>-`
 * (so an instrument id selects all bar types of that instrument).
 *
 * `dataKey` is the data type key (`bar` for bars).
 */
export function matchIdentifierFolders(dataKey: string, requestedId: string, folders: readonly string[]): string[] {
  const escaped = escapeIdentifier(requestedId);
  const exact = folders.filter((folder) => folder === escaped);
  if (exact.length > 0 || dataKey !== 'bar' || escaped === '') return exact;
  return folders.filter((folder) => folder.startsWith(`${escaped}-`));
}
