/**
 * The one error class of the catalog, with a registry of stable codes.
 *
 * Codes never change meaning and are never reused, so callers (the CLI, the gateway) can
 * branch on `error.code` instead of parsing messages. Messages name the offending value
 * (", was X") and say what to do about it.
 */

/** Every catalog error code with its meaning, one line each. */
export const CATALOG_ERROR_CODES = {
  CATALOG_BAD_FILE_NAME: 'A file name contains `_` but is not `<T1>_<T2>.parquet` with T1 <= T2.',
  CATALOG_BAD_IDENTIFIER: 'An instrument id or bar type cannot be used as a folder name.',
  CATALOG_UNKNOWN_TYPE: 'A data type is neither a known class name nor a known folder name.',
  CATALOG_OVERLAP: 'A new file would overlap the interval of an existing file.',
  CATALOG_PATH_ESCAPE: 'A path resolves outside the catalog root.',
  CATALOG_CORRUPT_FILE: 'A file is not valid Parquet or cannot be decoded.',
  CATALOG_WIDTH_MISMATCH: 'Files or frames mix 8-byte and 16-byte fixed-point raws.',
  CATALOG_METADATA: 'Schema metadata is missing, malformed or differs between files.',
  CATALOG_UNSORTED: 'Rows are not sorted by ts_init where the format requires it.',
  CATALOG_NOT_FOUND: 'A path that must exist is missing or is not of the expected kind.',
  CATALOG_BAD_RECORD: 'An instrument record lacks a required field, has an unknown field, or a value of the wrong type.',
  CATALOG_BAD_FRAME: 'A frame to write lacks a column, or its row count and a column disagree.',
} as const;

export type CatalogErrorCode = keyof typeof CATALOG_ERROR_CODES;

export interface CatalogErrorOptions {
  /** The file or folder the error is about. */
  readonly path?: string;
  readonly cause?: unknown;
}

/** An error raised by the catalog, carrying a stable `code` and, where known, the `path`. */
export class CatalogError extends Error {
  override readonly name = 'CatalogError';
  readonly code: CatalogErrorCode;
  readonly path: string | undefined;

  constructor(code: CatalogErrorCode, message: string, options: CatalogErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.path = options.path;
  }

  /** Returns a copy of this error that names `path` (for errors raised before the path was known). */
  withPath(path: string): CatalogError {
    return new CatalogError(this.code, `${this.message} (file ${path})`, { path, cause: this });
  }
}

/** Returns true when `error` is a CatalogError, and when `code` is given, one with that code. */
export function isCatalogError(error: unknown, code?: CatalogErrorCode): error is CatalogError {
  return error instanceof CatalogError && (code === undefined || error.code === code);
}
