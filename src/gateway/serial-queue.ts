/**
 * Runs async tasks one at a time, in arrival order. The gateway sends every catalog
 * rewrite (consolidate, delete) through one queue, so two requests never rewrite the
 * same files at once; reads do not wait for it.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    // The next task waits for this one however it ends; its outcome belongs to its caller.
    this.tail = result.catch(() => undefined);
    return result;
  }
}
