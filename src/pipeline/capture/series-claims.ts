/**
 * Which capture process writes which series of a catalog: one claim file per series under
 * `<catalog>/.seamless/capture-claims/`, holding the writer's process id. Two captures with
 * their own WAL folders may share a catalog, but never a series: both would write, merge
 * and compact the same day files and undo each other's work.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CaptureError } from './errors.js';
import { takePidLock } from './pid-lock.js';

export function seriesClaimsDir(catalogRoot: string): string {
  return join(catalogRoot, '.seamless', 'capture-claims');
}

export class SeriesClaims {
  readonly #dir: string;
  readonly #held = new Map<string, () => Promise<void>>();

  constructor(catalogRoot: string) {
    this.#dir = seriesClaimsDir(catalogRoot);
  }

  /** Claims `nodeId` for this process (again: a no-op); refuses one a live capture holds. */
  async claim(nodeId: string): Promise<void> {
    if (this.#held.has(nodeId)) return;
    await mkdir(this.#dir, { recursive: true });
    // encodeURIComponent keeps the name inside the folder: '/' becomes %2F, and the prefix
    // rules out '.' and '..'.
    const path = join(this.#dir, `series-${encodeURIComponent(nodeId)}.pid`);
    const release = await takePidLock(path, (pid) => new CaptureError(
      'CAPTURE_LOCKED',
      `${nodeId} is being captured into this catalog by process ${pid}; capture each series with one process (leave it out of --symbols/--channels here), or stop that process first`,
      { path, pid, nodeId },
    ));
    this.#held.set(nodeId, release);
  }

  /** Releases every claim this process holds. */
  async releaseAll(): Promise<void> {
    for (const release of this.#held.values()) await release();
    this.#held.clear();
  }
}
