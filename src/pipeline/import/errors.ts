/**
 * The one error type of the importer. Every message names what the user can find and fix
 * (the archive, the line, the field) and ends with what to do; `code` is stable for scripts.
 */
export type ImportErrorCode =
  | 'IMPORT_USAGE'
  | 'IMPORT_BAD_ROW'
  | 'IMPORT_TRUNCATED'
  | 'IMPORT_BAD_ARCHIVE'
  | 'IMPORT_CHECKSUM'
  | 'IMPORT_NO_CHECKSUM'
  | 'IMPORT_FETCH'
  | 'IMPORT_PRECISION'
  | 'IMPORT_UNSORTED'
  | 'IMPORT_CATALOG';

export interface ImportErrorWhere {
  /** The archive (path or URL) the problem is in. */
  readonly archive?: string;
  /** 1-based line number in the CSV inside the archive. */
  readonly line?: number;
  /** The CSV column the problem is in. */
  readonly field?: string;
  readonly cause?: unknown;
}

export class ImportError extends Error {
  override name = 'ImportError';
  readonly archive: string | undefined;
  readonly line: number | undefined;
  readonly field: string | undefined;

  constructor(
    readonly code: ImportErrorCode,
    message: string,
    where: ImportErrorWhere = {},
  ) {
    super(message, where.cause === undefined ? undefined : { cause: where.cause });
    this.archive = where.archive;
    this.line = where.line;
    this.field = where.field;
  }
}

/** The advice every data error ends with: the archive is the thing to replace. */
export const REDOWNLOAD_ADVICE = 're-download the archive (delete it from your mirror, or re-run with --force to replace days already written)';

/**
 * Returns an error for one bad CSV value: `<archive> line <n>, field <name>: <problem>, was "<text>"; <advice>`.
 */
export function badRow(archive: string, line: number, field: string, problem: string, text: string): ImportError {
  const shown = text.length > 60 ? `${text.slice(0, 60)}…` : text;
  return new ImportError('IMPORT_BAD_ROW', `${archive} line ${line}, field ${field}: ${problem}, was ${JSON.stringify(shown)}; ${REDOWNLOAD_ADVICE}`, {
    archive,
    line,
    field,
  });
}
