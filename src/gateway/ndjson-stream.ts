/**
 * Frames → NDJSON response bodies, one `frameRowToJson` line per row (the exact lines of
 * `seamless catalog read --format ndjson` and `seamless fetch`), with bounded memory:
 *
 * - the body is a Readable pulled by the socket: the next frame is decoded only when the
 *   client has taken the text before it (backpressure), so at most one frame (a row group)
 *   and one text chunk are held per request;
 * - when the client goes away, the stream is destroyed and the frame source is returned,
 *   which closes the catalog files it had open;
 * - the first chunk is produced before the response starts, so a bad type, id or window
 *   still gets a proper error status and body. An error after that can only abort the
 *   connection (the status is already sent); the client sees a truncated body, never a
 *   complete-looking one.
 */
import { Readable } from 'node:stream';
import { frameRowToJson, type RowFrame } from '../model/frame-rows.js';

/** Rows per text chunk: big enough to amortise a socket write, small enough to stay ~100 KiB. */
const CHUNK_ROWS = 512;

export interface NdjsonOptions {
  /** At most this many rows (default: all). */
  readonly limit?: number;
  /** Text written after the rows (e.g. a metadata line ending in a newline). */
  readonly trailer?: string;
  /** Called once when the stream ends, whether finished, failed or abandoned. */
  readonly onClose?: () => void;
}

async function* lineChunks(frames: AsyncIterable<RowFrame> | Iterable<RowFrame>, limit: number, trailer: string | undefined): AsyncGenerator<string> {
  let sent = 0;
  for await (const frame of frames) {
    const rows = Math.min(frame.length, limit - sent);
    for (let from = 0; from < rows; from += CHUNK_ROWS) {
      const to = Math.min(rows, from + CHUNK_ROWS);
      let text = '';
      for (let i = from; i < to; i++) text += `${frameRowToJson(frame, i)}\n`;
      yield text;
    }
    sent += rows;
    if (sent >= limit) break;
  }
  if (trailer) yield trailer;
}

/** A Readable over an async generator of text that returns the generator when destroyed. */
class GeneratorStream extends Readable {
  private pending: string | undefined;
  private reported = false;

  constructor(
    private readonly source: AsyncGenerator<string>,
    first: string | undefined,
    private readonly onClose: (() => void) | undefined,
  ) {
    super();
    this.pending = first;
  }

  override _read(): void {
    if (this.pending !== undefined) {
      const text = this.pending;
      this.pending = undefined;
      this.push(text);
      return;
    }
    this.source.next().then(
      (result) => {
        if (!this.destroyed) this.push(result.done ? null : result.value);
      },
      (error: unknown) => this.destroy(error instanceof Error ? error : new Error(String(error))),
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.source.return(undefined).then(
      () => this.finish(callback, error),
      (cleanup: unknown) => this.finish(callback, error ?? (cleanup as Error)),
    );
  }

  private finish(callback: (error?: Error | null) => void, error: Error | null): void {
    if (!this.reported) {
      this.reported = true;
      this.onClose?.();
    }
    callback(error);
  }
}

/**
 * Returns a Readable of NDJSON lines for `frames`, after producing the first chunk (so errors
 * opening the source reject here, before any byte is sent).
 */
export async function ndjsonStream(frames: AsyncIterable<RowFrame> | Iterable<RowFrame>, options: NdjsonOptions = {}): Promise<Readable> {
  const source = lineChunks(frames, options.limit ?? Infinity, options.trailer);
  let first: IteratorResult<string>;
  try {
    first = await source.next();
  } catch (error) {
    options.onClose?.();
    throw error;
  }
  const stream = new GeneratorStream(source, first.done ? undefined : first.value, options.onClose);
  if (first.done) stream.push(null);
  return stream;
}
