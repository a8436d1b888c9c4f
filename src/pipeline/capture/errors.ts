/**
 * The errors of `seamless capture`, with stable codes like CatalogError and SeamlessError:
 * callers branch on `code`, messages name the file or flag and say what to do.
 */
export const CAPTURE_ERROR_CODES = {
  CAPTURE_BAD_WAL: 'A write-ahead segment or the WAL state file is damaged beyond its torn tail.',
  CAPTURE_LOCKED: 'Another capture process holds the WAL folder, or already records one of the series into this catalog.',
  CAPTURE_CONVERSION_CONFLICT: 'A catalog file in the way of a daily file cannot be merged safely.',
  CAPTURE_BAD_CONFIG: 'The capture was started with an inconsistent configuration.',
} as const;

export type CaptureErrorCode = keyof typeof CAPTURE_ERROR_CODES;

export class CaptureError extends Error {
  override readonly name = 'CaptureError';

  constructor(readonly code: CaptureErrorCode, message: string, readonly details: Readonly<Record<string, unknown>> = {}, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
  }
}
