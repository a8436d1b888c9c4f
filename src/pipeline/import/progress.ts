/**
 * Progress on stderr: on a terminal, one line redrawn at most 5 times a second with the
 * archive, its share read, rows/s and the ETA of the whole import; otherwise (logs, CI) one
 * plain line per archive when it is done.
 */
export interface ProgressSink {
  isTTY: boolean;
  write(text: string): void;
}

export class Progress {
  private readonly started = performance.now();
  private archivesDone = 0;
  private label = '';
  private readBytes = 0;
  private totalBytes = 0;
  private rows = 0;
  private archiveRows = 0;
  private lastDraw = -Infinity;

  constructor(
    private readonly totalArchives: number,
    private readonly sink: ProgressSink = { isTTY: process.stderr.isTTY === true, write: (t) => void process.stderr.write(t) },
    private readonly enabled = true,
  ) {}

  /** A new archive starts; `bytes` is its compressed size. */
  archive(label: string, bytes: number): void {
    this.label = label.split('/').pop() ?? label;
    this.readBytes = 0;
    this.totalBytes = bytes;
    this.archiveRows = 0;
  }

  /** Compressed bytes of the current archive consumed so far. */
  read(bytes: number): void {
    this.readBytes += bytes;
    this.draw();
  }

  addRows(rows: number): void {
    this.rows += rows;
    this.archiveRows += rows;
  }

  /** The current archive is finished (or skipped). */
  archiveDone(note = ''): void {
    this.archivesDone++;
    if (!this.enabled) return;
    if (this.sink.isTTY) {
      this.draw(true);
    } else {
      const seconds = (performance.now() - this.started) / 1000;
      this.sink.write(`import: [${this.archivesDone}/${this.totalArchives}] ${this.label} ${this.archiveRows.toLocaleString('en-US')} rows${note ? ` (${note})` : ''}, ${rate(this.rows, seconds)}\n`);
    }
  }

  /** Clears the terminal line at the end. */
  finish(): void {
    if (this.enabled && this.sink.isTTY) this.sink.write('\r\x1b[2K');
  }

  private draw(force = false): void {
    if (!this.enabled || !this.sink.isTTY) return;
    const now = performance.now();
    if (!force && now - this.lastDraw < 200) return;
    this.lastDraw = now;
    const seconds = (now - this.started) / 1000;
    const share = this.totalBytes > 0 ? Math.min(1, this.readBytes / this.totalBytes) : 0;
    const done = (this.archivesDone + (force ? 0 : share)) / Math.max(1, this.totalArchives);
    const eta = done > 0 ? (seconds / done) * (1 - done) : NaN;
    const bar = '#'.repeat(Math.round(done * 20)).padEnd(20, '.');
    this.sink.write(`\r\x1b[2K[${bar}] ${this.archivesDone}/${this.totalArchives} ${this.label} ${Math.round(share * 100)}% ${rate(this.rows, seconds)} ETA ${duration(eta)}`);
  }
}

function rate(rows: number, seconds: number): string {
  const perSecond = seconds > 0 ? rows / seconds : 0;
  return perSecond >= 1e6 ? `${(perSecond / 1e6).toFixed(2)} M rows/s` : `${(perSecond / 1e3).toFixed(1)} k rows/s`;
}

export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--';
  const s = Math.round(seconds);
  return s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}
