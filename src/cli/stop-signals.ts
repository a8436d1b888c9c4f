/**
 * SIGINT and SIGTERM as an AbortSignal, for the verbs that run until stopped (gateway,
 * capture, bridge, stream). Create it before printing any ready line: whoever waits for that
 * line may signal at once, before this process runs another statement, and Node's default
 * action would kill it. The first signal aborts and removes the handlers, so a second one
 * (Ctrl-C again) kills the process the default way.
 */
import { UsageError } from './args.js';

/** The longest --duration a verb takes: setTimeout waits at most 2^31-1 ms (~24.8 days) and runs a longer one after 1 ms. */
const MAX_DURATION_MS = 24 * 86_400_000;

export class StopSignals {
  readonly #controller = new AbortController();
  #timer: NodeJS.Timeout | undefined;
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

  /** Stops after `ms` (a verb's --duration), when given; `checkedDuration` checks the bound at parse time. */
  stopAfter(ms: number | undefined): void {
    if (ms !== undefined) this.#timer = setTimeout(() => this.stop('duration reached'), ms);
  }

  /** Resolves once stopped. */
  stopped(): Promise<void> {
    const signal = this.#controller.signal;
    return signal.aborted ? Promise.resolve() : new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
  }

  /** Removes the handlers and the --duration timer (the verb is done). */
  dispose(): void {
    clearTimeout(this.#timer);
    process.off('SIGINT', this.#onSignal);
    process.off('SIGTERM', this.#onSignal);
  }
}

/** A --duration in milliseconds (already parsed) checked against MAX_DURATION_MS; `text` is what the user typed. */
export function checkedDuration(ms: number | undefined, text: string | undefined): number | undefined {
  if (ms !== undefined && ms > MAX_DURATION_MS) throw new UsageError(`--duration must be at most 24d, was "${text}"`);
  return ms;
}
