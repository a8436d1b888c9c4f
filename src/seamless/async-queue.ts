/**
 * A small unbounded queue between a producer loop and an async consumer, so a live feed is
 * read continuously (and buffered) while history is still being replayed.
 */
export class AsyncQueue<T> {
  private readonly items: T[] = [];
  private waiting: ((item: IteratorResult<T>) => void) | undefined;
  private ended = false;
  private failure: unknown;

  push(item: T): void {
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: item, done: false });
    } else {
      this.items.push(item);
    }
  }

  /** Ends the queue; a pending or later `next` sees `done` (or the error) once drained. */
  end(error?: unknown): void {
    this.ended = true;
    this.failure = error;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve({ value: undefined, done: true });
    }
  }

  get size(): number {
    return this.items.length;
  }

  /** Items queued so far, without waiting. */
  drain(): T[] {
    return this.items.splice(0, this.items.length);
  }

  next(): Promise<IteratorResult<T>> {
    const item = this.items.shift();
    if (item !== undefined) return Promise.resolve({ value: item, done: false });
    if (this.ended) return this.failure === undefined ? Promise.resolve({ value: undefined, done: true }) : Promise.reject(this.failure);
    return new Promise((resolve) => (this.waiting = resolve));
  }
}
