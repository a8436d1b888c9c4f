/**
 * `seamless stream <nodeId> --from T`: history from T, then the live feed, as one stream of
 * rows on stdout (NDJSON or CSV). Events that are not rows (the handover to live, gaps) go
 * to stderr as JSON lines, so stdout stays a clean table of rows. Runs until Ctrl-C, or
 * until --max-rows rows or --duration time has passed (for scripts).
 */
import { frameCsvHeader, frameRowToCsv, frameRowToJson } from '../model/frame-rows.js';
import { nsToIso } from '../model/time.js';
import { STRATEGIES } from '../seamless/provider-config.js';
import { stream } from '../seamless/stream.js';
import { UsageError, choiceFlag, parseVerbArgs, positional, timeFlag } from './args.js';
import { PROVIDER_FLAGS, providerFromFlags } from './history-commands.js';
import { HISTORY_USAGE } from './history-usage.js';
import type { Output } from './output.js';
import { StopSignals, checkedDuration } from './stop-signals.js';

export async function runStream(argv: string[], out: Output): Promise<number> {
  const { values, positionals } = parseVerbArgs(argv, {
    ...PROVIDER_FLAGS,
    from: { type: 'string' },
    strategy: { type: 'string' },
    format: { type: 'string' },
    'max-rows': { type: 'string' },
    duration: { type: 'string' },
  }, HISTORY_USAGE);
  const nodeId = positional(positionals, 0, '<nodeId>');
  const from = timeFlag('from', values.from);
  if (from === undefined) throw new UsageError('--from is required (nanoseconds or ISO-8601)');
  const strategy = choiceFlag('strategy', values.strategy, STRATEGIES) ?? 'SEAMLESS';
  const format = choiceFlag('format', values.format, ['ndjson', 'csv'] as const) ?? 'ndjson';
  const maxRows = positiveInt('max-rows', values['max-rows']);
  const durationMs = checkedDuration(positiveInt('duration', values.duration), values.duration);

  const provider = await providerFromFlags(values, strategy);
  const stop = new StopSignals();
  stop.stopAfter(durationMs);
  let rows = 0;
  try {
    const type = provider.symbology.series(nodeId).dataType;
    if (format === 'csv') await out.writeAsync(`${frameCsvHeader(type)}\n`);
    const toText = format === 'csv' ? frameRowToCsv : frameRowToJson;
    for await (const event of stream(provider, nodeId, from, { signal: stop.signal, strategy })) {
      if (event.type === 'rows') {
        const n = Math.min(event.frame.length, maxRows === undefined ? Infinity : maxRows - rows);
        let text = '';
        for (let i = 0; i < n; i++) text += `${toText(event.frame, i)}\n`;
        await out.writeAsync(text);
        rows += n;
        if (maxRows !== undefined && rows >= maxRows) break;
      } else if (event.type === 'live') {
        process.stderr.write(`${JSON.stringify({ event: 'live', at: nsToIso(event.at), rows })}\n`);
      } else {
        const range = { start: nsToIso(event.range.start), ...(event.range.end !== undefined ? { end: nsToIso(event.range.end) } : {}) };
        process.stderr.write(`${JSON.stringify({ event: 'gap', range, reason: event.reason })}\n`);
      }
    }
    return 0;
  } catch (error) {
    // Ctrl-C and --duration end the stream on purpose.
    if (stop.signal.aborted) return 0;
    throw error;
  } finally {
    stop.dispose();
    await provider.close();
  }
}

function positiveInt(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`--${flag} must be a whole number > 0, was "${text}"`);
  return n;
}
