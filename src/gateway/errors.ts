/**
 * The one error registry of the gateway: every error an HTTP client can see has a stable
 * `error` code, an HTTP status and a message, and every error body is
 * `{ error, message, statusCode }`.
 *
 * Codes come from three places, and `toErrorBody` maps all of them:
 * - `GATEWAY_ERRORS` below (the gateway's own: auth, validation, routing, internal);
 * - the library registries, kept as they are: `CATALOG_*` (src/catalog/errors.ts) and
 *   `SEAMLESS_*` (src/seamless/errors.ts), with the statuses of `CATALOG_STATUS` and
 *   `SEAMLESS_STATUS`;
 * - plugins (the nodes routes, later ones), whose errors carry a string `code` and a
 *   numeric `statusCode`, passed through unchanged.
 *
 * Codes never change meaning and are never reused; a message names the offending value and
 * says what to do. Anything else becomes 500 `INTERNAL` without its message, which may hold
 * paths or internals; the full error goes to the server log only.
 */
import { type CatalogErrorCode, isCatalogError } from '../catalog/errors.js';
import { ModelError } from '../model/errors.js';
import { FixedPointError } from '../model/fixed-point.js';
import { RowError } from '../model/frame-rows.js';
import { SeamlessError, type SeamlessErrorCode } from '../seamless/errors.js';

/** The gateway's own codes: status and message template (`%s` is replaced by the arguments, in order). */
export const GATEWAY_ERRORS = {
  UNAUTHORIZED: { statusCode: 401, template: 'this call needs the header "Authorization: Bearer <token>" with the gateway token (%s)' },
  NOT_FOUND: { statusCode: 404, template: 'no route %s %s; the API is listed at /docs' },
  VALIDATION: { statusCode: 400, template: '%s' },
  BAD_REQUEST: { statusCode: 400, template: '%s' },
  PAYLOAD_TOO_LARGE: { statusCode: 413, template: '%s' },
  UNSUPPORTED_MEDIA_TYPE: { statusCode: 415, template: '%s; send JSON with "Content-Type: application/json"' },
  INTERNAL: { statusCode: 500, template: 'internal error (request %s); the gateway log has the details' },
} as const satisfies Record<string, { statusCode: number; template: string }>;

export type GatewayErrorCode = keyof typeof GATEWAY_ERRORS;

/** HTTP status of each catalog error; `satisfies` makes a new catalog code a build error here. */
export const CATALOG_STATUS = {
  CATALOG_BAD_FILE_NAME: 500,
  CATALOG_BAD_IDENTIFIER: 400,
  CATALOG_UNKNOWN_TYPE: 400,
  CATALOG_OVERLAP: 409,
  CATALOG_PATH_ESCAPE: 400,
  CATALOG_CORRUPT_FILE: 500,
  CATALOG_WIDTH_MISMATCH: 500,
  CATALOG_METADATA: 500,
  CATALOG_UNSORTED: 500,
  CATALOG_NOT_FOUND: 404,
  CATALOG_BAD_RECORD: 500,
  CATALOG_BAD_FRAME: 500,
} as const satisfies Record<CatalogErrorCode, number>;

/** HTTP status of each history error: the request (4xx), an upstream (502/503/504) or us (500). */
export const SEAMLESS_STATUS = {
  SEAMLESS_BAD_NODE_ID: 400,
  SEAMLESS_BAD_RANGE: 400,
  SEAMLESS_MISSING_DATA: 422,
  SEAMLESS_NO_BACKFILL: 422,
  SEAMLESS_BACKFILL_FAILED: 502,
  SEAMLESS_CONFORMANCE_BLOCKED: 422,
  SEAMLESS_SLA_EXCEEDED: 504,
  SEAMLESS_BAD_CONFIG: 500,
  SEAMLESS_UNKNOWN_PRESET: 500,
  SEAMLESS_DEPENDENCY_MISSING: 503,
  SEAMLESS_LEDGER_CORRUPT: 500,
  SEAMLESS_EXCHANGE: 502,
  SEAMLESS_UNKNOWN_SYMBOL: 404,
  SEAMLESS_QUESTDB: 502,
  SEAMLESS_COORDINATOR_DOWN: 503,
  SEAMLESS_LEASE_LOST: 503,
} as const satisfies Record<SeamlessErrorCode, number>;

/** The body of every error response. */
export interface ErrorBody {
  readonly error: string;
  readonly message: string;
  readonly statusCode: number;
}

/** An error raised by the gateway itself, with a code from GATEWAY_ERRORS. */
export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  readonly code: GatewayErrorCode;
  readonly statusCode: number;

  constructor(code: GatewayErrorCode, ...args: string[]) {
    super(fillTemplate(GATEWAY_ERRORS[code].template, args));
    this.code = code;
    this.statusCode = GATEWAY_ERRORS[code].statusCode;
  }
}

function fillTemplate(template: string, args: readonly string[]): string {
  let next = 0;
  return template.replace(/%s/g, () => args[next++] ?? '');
}

/** An error from another registry: a string `code` and an HTTP `statusCode` (how plugins raise theirs). */
interface CodedHttpError {
  readonly code: string;
  readonly statusCode: number;
  readonly message: string;
}

function isCodedHttpError(error: unknown): error is CodedHttpError {
  if (typeof error !== 'object' || error === null) return false;
  const { code, statusCode, message } = error as Record<string, unknown>;
  return typeof code === 'string' && typeof statusCode === 'number' && Number.isInteger(statusCode) && statusCode >= 400 && statusCode <= 599 && typeof message === 'string';
}

/** Fastify's own request errors (bad JSON, wrong media type, body too large), by status. */
function fastifyRequestCode(statusCode: number): GatewayErrorCode {
  if (statusCode === 413) return 'PAYLOAD_TOO_LARGE';
  if (statusCode === 415) return 'UNSUPPORTED_MEDIA_TYPE';
  return 'BAD_REQUEST';
}

/**
 * Returns the body for any thrown value. `requestId` goes into the INTERNAL message so a
 * user can point at the log line; the error itself is never shown for INTERNAL.
 */
export function toErrorBody(error: unknown, requestId: string): ErrorBody {
  if (error instanceof GatewayError) return { error: error.code, message: error.message, statusCode: error.statusCode };
  if (isCatalogError(error)) return { error: error.code, message: error.message, statusCode: CATALOG_STATUS[error.code] };
  if (error instanceof SeamlessError) return { error: error.code, message: error.message, statusCode: SEAMLESS_STATUS[error.code] };
  // Parsers of user input (times, ids, decimals) throw these; the message names the value.
  if (error instanceof ModelError || error instanceof FixedPointError || error instanceof RowError) {
    return { error: 'VALIDATION', message: error.message, statusCode: 400 };
  }
  if (isCodedHttpError(error)) {
    // Fastify's schema validation: the message names the part and field ("querystring/limit must be >= 0").
    if (error.code === 'FST_ERR_VALIDATION') return { error: 'VALIDATION', message: error.message, statusCode: 400 };
    if (error.code.startsWith('FST_') && error.statusCode < 500) {
      const code = fastifyRequestCode(error.statusCode);
      return { error: code, message: new GatewayError(code, error.message).message, statusCode: error.statusCode };
    }
    if (!error.code.startsWith('FST_')) return { error: error.code, message: error.message, statusCode: error.statusCode };
  }
  return { error: 'INTERNAL', message: new GatewayError('INTERNAL', requestId).message, statusCode: 500 };
}

/** One schema validation failure, as Ajv reports it to Fastify. */
export interface SchemaIssue {
  readonly keyword: string;
  readonly instancePath: string;
  readonly params: Record<string, unknown>;
  readonly message?: string;
}

/**
 * Returns the message of a failed request validation, naming the request part and field:
 * `querystring/limit must be >= 0`, `querystring has an unknown field "limt"`.
 * (Fastify turns it into a FST_ERR_VALIDATION error, which toErrorBody maps to VALIDATION.)
 */
export function schemaErrorMessage(issues: readonly SchemaIssue[], part: string): string {
  return issues
    .map((issue) => {
      const where = `${part}${issue.instancePath}`;
      if (issue.keyword === 'additionalProperties') return `${where} has an unknown field ${JSON.stringify(issue.params['additionalProperty'])}; remove it or check its spelling`;
      if (issue.keyword === 'required') return `${where} needs the field ${JSON.stringify(issue.params['missingProperty'])}`;
      return `${where} ${issue.message ?? 'is invalid'}`;
    })
    .join('; ');
}
