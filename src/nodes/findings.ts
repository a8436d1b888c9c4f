/**
 * What a config check reports: one finding per problem, with the path of the offending value
 * (`engine.strategies[0].config.fast_ema_perod`), a stable code, a message that says what to
 * do, and the file line when the config came from a file. Errors block a run; warnings do not.
 */
import * as z from 'zod';

export const FINDING_CODES = {
  UNKNOWN_KEY: 'error',
  MISSING_KEY: 'error',
  BAD_VALUE: 'error',
  NOT_IMPORTABLE: 'error',
  NOT_A_CONFIG: 'error',
  INVALID: 'error',
  UNKNOWN_INSTRUMENT: 'error',
  NO_DATA: 'error',
  WINDOW_UNCOVERED: 'error',
  BAD_TIME: 'error',
  CATALOG_MISSING: 'error',
  ONESHOT_LOADS_ALL_BARS: 'warning',
  BAR_TYPE_NOT_LOADED: 'warning',
} as const;

export type FindingCode = keyof typeof FINDING_CODES;
export type Severity = 'error' | 'warning';

export const findingSchema = z.object({
  path: z.string(),
  code: z.string(),
  severity: z.enum(['error', 'warning']),
  message: z.string(),
  suggestion: z.string().optional(),
  line: z.number().int().optional(),
});

export type Finding = z.infer<typeof findingSchema>;

export function finding(path: string, code: FindingCode, message: string, extra: { suggestion?: string } = {}): Finding {
  return { path, code, severity: FINDING_CODES[code], message, ...extra };
}

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error');
}

/** One line per finding: `source:line: path: message [CODE]`. */
export function formatFinding(f: Finding, source?: string): string {
  const where = [source, f.line].filter((x) => x !== undefined).join(':');
  return `${where ? `${where}: ` : ''}${f.severity === 'warning' ? 'warning: ' : ''}${f.path || '(config)'}: ${f.message} [${f.code}]`;
}
