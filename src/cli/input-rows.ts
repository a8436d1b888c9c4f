/**
 * Streams rows out of a CSV (with a header) or NDJSON file as plain records with their
 * line numbers, in chunks, so a large input never sits in memory whole. CSV parsing is
 * csv-parse's (RFC 4180 quoting); NDJSON is one JSON object per line.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';
import { RowError } from '../model/frame-rows.js';

export interface RowChunk {
  readonly records: Record<string, unknown>[];
  readonly lines: number[];
}

/** Yields chunks of up to `chunkSize` records from a `.csv` or `.ndjson`/`.jsonl`/`.json` file. */
export async function* readRowChunks(path: string, chunkSize = 50_000): AsyncGenerator<RowChunk> {
  const isCsv = path.toLowerCase().endsWith('.csv');
  let records: Record<string, unknown>[] = [];
  let lines: number[] = [];
  const source = isCsv ? csvRecords(path) : ndjsonRecords(path);
  for await (const { record, line } of source) {
    records.push(record);
    lines.push(line);
    if (records.length >= chunkSize) {
      yield { records, lines };
      records = [];
      lines = [];
    }
  }
  if (records.length > 0) yield { records, lines };
}

async function* csvRecords(path: string): AsyncGenerator<{ record: Record<string, unknown>; line: number }> {
  const parser = createReadStream(path).pipe(parse({ columns: true, info: true, skip_empty_lines: true, bom: true }));
  try {
    for await (const row of parser as AsyncIterable<{ record: Record<string, unknown>; info: { lines: number } }>) {
      yield { record: row.record, line: row.info.lines };
    }
  } catch (error) {
    const e = error as Error & { lines?: number; code?: string };
    throw new RowError(path, e.lines ?? 0, '(csv)', `${e.message}; fix the CSV row`);
  }
}

async function* ndjsonRecords(path: string): AsyncGenerator<{ record: Record<string, unknown>; line: number }> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let line = 0;
  for await (const text of lines) {
    line++;
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new RowError(path, line, '(json)', `not valid JSON (${(error as Error).message}); fix or remove the line`);
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new RowError(path, line, '(json)', 'each line must be one JSON object; fix or remove the line');
    }
    yield { record: value as Record<string, unknown>, line };
  }
}
