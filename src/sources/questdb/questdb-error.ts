/**
 * Turns whatever QuestDB, the ILP client or `pg` threw into SEAMLESS_QUESTDB: the message
 * says what was being done, to which series and table, why it failed, and what to do next.
 * The password never appears: the reason is scrubbed, and a cause that carried it is dropped.
 */
import { SeamlessError } from '../../seamless/errors.js';
import { type ResolvedQuestDbOptions, hostPort, redact } from './options.js';

export type QuestDbAction = 'write' | 'read' | 'read coverage of' | 'record coverage of';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);

function codeOf(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  for (let e: unknown = error; e && typeof e === 'object' && !seen.has(e); e = (e as { cause?: unknown }).cause) {
    seen.add(e);
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
  }
  return undefined;
}

function isUnreachable(error: unknown, reason: string): boolean {
  return codeOf(error) !== undefined || /Connection terminated|connect ECONNREFUSED|socket hang up|fetch failed|timeout exceeded when trying to connect/i.test(reason);
}

function advice(action: QuestDbAction, unreachable: boolean): string {
  const start = unreachable ? 'check that QuestDB is running and reachable, then ' : '';
  switch (action) {
    case 'write':
    case 'record coverage of':
      return `${start}retry the write: the range was not recorded as covered, and re-sent rows are deduplicated`;
    default:
      return `${start}retry the read`;
  }
}

/**
 * The SEAMLESS_QUESTDB error for `action` on `subject` (e.g. `ohlcv:binance:BTC/USDT:1m`
 * in table `seamless_bars`). A SeamlessError passes through unchanged.
 */
export function questDbError(action: QuestDbAction, subject: string, error: unknown, options: ResolvedQuestDbOptions): SeamlessError {
  if (error instanceof SeamlessError) return error;
  const raw = error instanceof Error ? error.message : String(error);
  const reason = redact(raw, options);
  const unreachable = isUnreachable(error, reason);
  if (/username\/password|authenticat|unauthori[sz]ed|statusCode=401/i.test(reason)) {
    const message = `QuestDB could not ${action} ${subject}: ${reason}; check the user and password in the QuestDB options`;
    return new SeamlessError('SEAMLESS_QUESTDB', message, { action, subject, unreachable: false });
  }
  const where = unreachable ? ` (QuestDB at ${hostPort(options.host, options.httpPort)} HTTP / ${options.pgPort} PG)` : '';
  const message = `QuestDB could not ${action} ${subject}${where}: ${reason}; ${advice(action, unreachable)}`;
  const leaks = reason !== raw;
  return new SeamlessError('SEAMLESS_QUESTDB', message, { action, subject, unreachable }, leaks ? undefined : error);
}
