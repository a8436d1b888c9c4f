/**
 * Cuts a stream of day-tagged frames into one sub-stream per UTC day, in order, so each day
 * can be streamed into its own file while the archive is still being read. Each sub-stream
 * must be consumed (or drained) before the next one is requested.
 */
import type { DayFrame, ImportFrame } from './batch-builder.js';

export interface DayGroup {
  readonly day: number;
  readonly frames: AsyncGenerator<ImportFrame>;
}

export async function* groupByDay(source: AsyncIterator<DayFrame>): AsyncGenerator<DayGroup> {
  let head: DayFrame | undefined;
  let ended = false;
  const pull = async (): Promise<DayFrame | undefined> => {
    if (ended) return undefined;
    const step = await source.next();
    if (step.done) {
      ended = true;
      return undefined;
    }
    return step.value;
  };
  head = await pull();
  while (head) {
    const day = head.day;
    let first: DayFrame | undefined = head;
    head = undefined;
    const frames = (async function* (): AsyncGenerator<ImportFrame> {
      if (first) {
        yield first.frame;
        first = undefined;
      }
      for (;;) {
        const next = await pull();
        if (!next) return;
        if (next.day !== day) {
          head = next;
          return;
        }
        yield next.frame;
      }
    })();
    yield { day, frames };
    // Whatever the consumer left unread is drained, so the next group starts at its first frame.
    for await (const _frame of frames) {
      /* drain */
    }
  }
}
