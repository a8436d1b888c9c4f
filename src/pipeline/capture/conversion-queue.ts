/**
 * Sealed segments waiting to become catalog files, converted one at a time in sequence
 * order (a day file is rewritten by one writer only). A conversion that fails leaves its
 * segment in the WAL and is retried after `retryMs`; later segments wait, so days are never
 * written out of order.
 */
import type { CaptureMetrics } from './capture-metrics.js';
import type { ConvertedSegment, SegmentConverter } from './segment-converter.js';

export interface QueueLog {
  converted(result: ConvertedSegment): void;
  failed(path: string, error: unknown): void;
}

export class ConversionQueue {
  readonly #waiting: Array<{ path: string; sealedAtMs: number }> = [];
  #running: Promise<void> | undefined;
  #retry: NodeJS.Timeout | undefined;
  #lastError: unknown;

  constructor(
    private readonly converter: SegmentConverter,
    private readonly metrics: CaptureMetrics,
    private readonly log: QueueLog,
    private readonly retryMs = 5000,
  ) {}

  get size(): number {
    return this.#waiting.length;
  }

  enqueue(path: string): void {
    this.#waiting.push({ path, sealedAtMs: Date.now() });
    this.#report();
    this.#kick();
  }

  /**
   * Converts everything waiting (one attempt per segment still failing). Resolves with the
   * last error when a segment could not be converted; it stays in the WAL for the next start.
   */
  async drain(): Promise<unknown> {
    if (this.#retry) clearTimeout(this.#retry);
    this.#retry = undefined;
    this.#lastError = undefined;
    if (this.#running) await this.#running;
    if (this.#waiting.length > 0) {
      this.#running = this.#work(false);
      await this.#running;
    }
    return this.#lastError;
  }

  #kick(): void {
    if (this.#running || this.#retry) return;
    this.#running = this.#work(true).finally(() => {
      this.#running = undefined;
    });
  }

  async #work(retryLater: boolean): Promise<void> {
    while (this.#waiting.length > 0) {
      const next = this.#waiting[0]!;
      try {
        const result = await this.converter.convert(next.path);
        this.#waiting.shift();
        this.metrics.converted('ok', result.rows);
        this.log.converted(result);
      } catch (error) {
        this.#lastError = error;
        this.metrics.converted('error');
        this.log.failed(next.path, error);
        if (retryLater) {
          this.#retry = setTimeout(() => {
            this.#retry = undefined;
            this.#kick();
          }, this.retryMs);
          this.#retry.unref();
        }
        break;
      } finally {
        this.#report();
      }
    }
  }

  #report(): void {
    this.metrics.pending(this.#waiting.length, this.#waiting[0]?.sealedAtMs);
  }
}
