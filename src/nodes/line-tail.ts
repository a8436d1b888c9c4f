/**
 * Follows a file that another process appends JSON lines to (a node's stdout): reads from a byte
 * offset, hands over whole lines only, and keeps a partial last line until its newline arrives.
 * Wake-ups come from fs.watch with a slow poll as a backstop (watch events can coalesce).
 */
import { type FSWatcher, watch } from 'node:fs';
import { open } from 'node:fs/promises';

export class LineTail {
  private offset = 0;
  private partial = '';
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private reading: Promise<void> = Promise.resolve();
  private readonly decoder = new TextDecoder('utf-8');

  constructor(
    readonly path: string,
    private readonly onLine: (line: string) => void,
  ) {}

  /** Starts following; lines already in the file are delivered first. */
  start(pollMs = 200): void {
    try {
      this.watcher = watch(this.path, () => void this.drain());
      this.watcher.on('error', () => {}); // the poll keeps going
    } catch {
      // no watch support: the poll alone serves
    }
    this.timer = setInterval(() => void this.drain(), pollMs);
    void this.drain();
  }

  /** Reads everything appended so far; calls are serialized, so lines keep their order. */
  drain(): Promise<void> {
    this.reading = this.reading.then(() => this.readNew()).catch(() => {});
    return this.reading;
  }

  /** Stops following after a last drain; a trailing line without newline is delivered too. */
  async stop(): Promise<void> {
    this.watcher?.close();
    if (this.timer) clearInterval(this.timer);
    await this.drain();
    const rest = this.partial + this.decoder.decode();
    this.partial = '';
    if (rest.trim() !== '') this.onLine(rest);
  }

  private async readNew(): Promise<void> {
    let handle;
    try {
      handle = await open(this.path, 'r');
    } catch {
      return; // not created yet
    }
    try {
      const buffer = Buffer.alloc(64 * 1024);
      for (;;) {
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, this.offset);
        if (bytesRead === 0) break;
        this.offset += bytesRead;
        const text = this.partial + this.decoder.decode(buffer.subarray(0, bytesRead), { stream: true });
        const lines = text.split('\n');
        this.partial = lines.pop() ?? '';
        for (const line of lines) if (line.trim() !== '') this.onLine(line);
      }
    } finally {
      await handle.close();
    }
  }
}
