/**
 * Splits a stream of Buffers into lines without copying: each complete line is handed over as
 * `(buffer, start, end, lineNumber)`; only a line cut by a chunk boundary is copied (once).
 * `\r\n` endings are accepted. Line numbers are 1-based and count every line of the file.
 *
 * A handler may take the complete lines of a chunk as one block (`lines`), so a fast row
 * scanner can walk them in one loop instead of one call (and one `indexOf`) per line.
 */
export interface LineHandler {
  line(buf: Uint8Array, start: number, end: number, lineNumber: number): void;
  /**
   * Optional: handles the lines of `buf[start, end)`, which ends right after a newline; the
   * line before the first one was `lineNumber`. Returns the number of the last line handled.
   */
  lines?(buf: Uint8Array, start: number, end: number, lineNumber: number): number;
}

const NEWLINE = 10;
const CR = 13;

export class LineSplitter {
  private carry: Buffer | undefined;
  lineNumber = 0;

  constructor(private readonly handler: LineHandler) {}

  /** Hands every complete line of `chunk` (joined to the previous chunk's tail) to the handler. */
  push(chunk: Buffer): void {
    const buf = chunk;
    let from = 0;
    if (this.carry) {
      const cut = chunk.indexOf(NEWLINE);
      if (cut < 0) {
        this.carry = Buffer.concat([this.carry, chunk]);
        return;
      }
      // Only the cut line is joined; the rest of the chunk is read in place.
      const joined = Buffer.concat([this.carry, chunk.subarray(0, cut + 1)]);
      this.carry = undefined;
      this.lineNumber = emitLine(this.handler, joined, 0, joined.length - 1, this.lineNumber + 1);
      from = cut + 1;
    }
    const last = buf.lastIndexOf(NEWLINE);
    if (last >= from) {
      const handler = this.handler;
      this.lineNumber = handler.lines ? handler.lines(buf, from, last + 1, this.lineNumber) : eachLine(handler, buf, from, last + 1, this.lineNumber);
      from = last + 1;
    }
    if (from < buf.length) this.carry = Buffer.from(buf.subarray(from));
  }

  /** Hands over the last line when the stream did not end with a newline. */
  end(): void {
    if (this.carry && this.carry.length > 0) this.lineNumber = emitLine(this.handler, this.carry, 0, this.carry.length, this.lineNumber + 1);
    this.carry = undefined;
  }
}

/** Hands each line of `buf[start, end)` (which ends with a newline) to `handler.line`; returns the last line number. */
export function eachLine(handler: LineHandler, buf: Uint8Array, start: number, end: number, lineNumber: number): number {
  let from = start;
  while (from < end) {
    const cut = buf.indexOf(NEWLINE, from);
    emitLine(handler, buf, from, cut, ++lineNumber);
    from = cut + 1;
  }
  return lineNumber;
}

/**
 * Hands line `lineNumber`, `buf[start, end)` without its newline, to the handler: a trailing
 * `\r` is dropped and a blank line carries no row. Returns `lineNumber`.
 */
export function emitLine(handler: LineHandler, buf: Uint8Array, start: number, end: number, lineNumber: number): number {
  if (end > start && buf[end - 1] === CR) end--;
  if (end > start) handler.line(buf, start, end, lineNumber); // blank lines (a trailing one is common) carry no row
  return lineNumber;
}
