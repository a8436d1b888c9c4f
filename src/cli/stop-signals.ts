/**
 * SIGINT and SIGTERM as an AbortSignal, for the verbs that run until stopped (gateway,
 * capture, bridge, stream). Create it before printing any ready line: whoever waits for that
 * line may signal at once, before this process runs another statement, and Node's default
 * action would kill it. The first signal aborts and removes the handlers, so a second one
 * (Ctrl-C again) kills the process the default way.
 */
export class StopSignals {
  readonly #controller = new AbortController();
  #received: NodeJS.Signals | undefined;
  readonly #onSignal = (signal: NodeJS.Signals): void => {
    this.#received = signal;
    this.stop(`stopped by ${signal}`);
  };

  constructor() {
    process.on('SIGINT', this.#onSignal);
    process.on('SIGTERM', this.#onSignal);
  }

  /** Aborted by the first signal, or by `stop()`. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** The signal that stopped the verb, if one did. */
  get received(): NodeJS.Signals | undefined {
    return this.#received;
  }

  /** Stops as a signal would (e.g. when --duration is reached). */
  stop(reason: string): void {
    this.dispose();
    if (!this.#controller.signal.aborted) this.#controller.abort(new Error(reason));
  }

  /** Resolves once stopped. */
  stopped(): Promise<void> {
    const signal = this.#controller.signal;
    return signal.aborted ? Promise.resolve() : new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  }

  /** Removes the handlers (the verb is done). */
  dispose(): void {
    process.off('SIGINT', this.#onSignal);
    process.off('SIGTERM', this.#onSignal);
  }
}
