/**
 * Route schemas are written once in zod and converted to JSON Schema (draft-07, what
 * Fastify's Ajv and @fastify/swagger read) with `z.toJSONSchema`, so one definition
 * validates requests, serializes responses, documents the route in OpenAPI and gives the
 * handler its TypeScript types (`z.infer`).
 *
 * Request parts are converted as zod *input* (defaults optional) and response parts as
 * *output*. Every route also documents the error body under each of its error statuses.
 */
import { z } from 'zod';

export type JsonSchema = Record<string, unknown>;

/** The body of every error response (see errors.ts). */
export const ErrorBodySchema = z.object({
  error: z.string().describe('Stable error code, e.g. VALIDATION, UNAUTHORIZED, CATALOG_BAD_IDENTIFIER'),
  message: z.string().describe('What is wrong and what to do about it'),
  statusCode: z.int().describe('The HTTP status, repeated'),
});

/** Nanoseconds since the epoch as decimal digits (JSON numbers lose digits past 2^53). */
export const NsString = z.string().regex(/^\d+$/).describe('nanoseconds since the UNIX epoch, as decimal digits');

/** A time argument: nanoseconds or ISO-8601 (parsed with parseTimeArg, as the CLI's --start/--end). */
export const TimeArg = z.string().min(1).max(64).describe('nanoseconds since the epoch, or ISO-8601 such as 2024-01-02T00:00:00Z');

/** Returns the draft-07 JSON Schema of a zod schema, without `$schema` (Ajv would try to resolve it). */
export function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const converted = z.toJSONSchema(schema, { target: 'draft-7', io, unrepresentable: 'throw' }) as JsonSchema;
  delete converted['$schema'];
  return converted;
}

export interface RouteSchemaParts {
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly params?: z.ZodType;
  readonly querystring?: z.ZodType;
  readonly body?: z.ZodType;
  /** Status → zod schema of a JSON body, or a raw JSON Schema (e.g. an NDJSON `content` map). */
  readonly response: Readonly<Record<number, z.ZodType | JsonSchema>>;
  /** Error statuses the route documents besides 400 and 500 (all carry ErrorBody). */
  readonly errors?: readonly number[];
}

/** Returns the Fastify `schema` option for a route. */
export function routeSchema(parts: RouteSchemaParts): JsonSchema {
  const response: Record<string, JsonSchema> = {};
  for (const [status, schema] of Object.entries(parts.response)) response[status] = schema instanceof z.ZodType ? jsonSchema(schema, 'output') : schema;
  const errorBody = jsonSchema(ErrorBodySchema, 'output');
  for (const status of new Set([400, 500, ...(parts.errors ?? [])])) response[String(status)] ??= { ...errorBody, description: 'Error' };
  return {
    summary: parts.summary,
    ...(parts.description ? { description: parts.description } : {}),
    tags: [...parts.tags],
    ...(parts.params ? { params: jsonSchema(parts.params, 'input') } : {}),
    ...(parts.querystring ? { querystring: jsonSchema(parts.querystring, 'input') } : {}),
    ...(parts.body ? { body: jsonSchema(parts.body, 'input') } : {}),
    response,
  };
}

/** The response schema of a streamed NDJSON body (documented only: streams are not serialized). */
export function ndjsonResponse(description: string): JsonSchema {
  return { description, content: { 'application/x-ndjson': { schema: { type: 'string', description: 'one JSON object per line' } } } };
}
