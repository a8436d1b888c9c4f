/**
 * Splits a stream of Buffers into lines without copying: each complete line is handed over as
 * `(buffer, start, end, lineNumber)`; only a line cut by a chunk boundary is copied (once).
 * `\r\n` endings are accepted. Line numbers are 1-based and count every line of the file.
 */
export interface LineHandler {
  line(buf: Uint8Array, start: number, end: number, lineNumber: number): void;
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
      this.emit(joined, 0, joined.length - 1);
      from = cut + 1;
    }
    for (;;) {
      const cut = buf.indexOf(NEWLINE, from);
      if (cut < 0) break;
      this.emit(buf, from, cut);
      from = cut + 1;
    }
    if (from < buf.length) this.carry = Buffer.from(buf.subarray(from));
  }

  /** Hands over the last line when the stream did not end with a newline. */
  end(): void {
    if (this.carry && this.carry.length > 0) this.emit(this.carry, 0, this.carry.length);
    this.carry = undefined;
  }

  private emit(buf: Uint8Array, start: number, end: number): void {
    this.lineNumber++;
    if (end > start && buf[end - 1] === CR) end--;
    if (end === start) return; // blank lines (a trailing one is common) carry no row
    this.handler.line(buf, start, end, this.lineNumber);
  }
}
