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

/** The claim file of `nodeId`: encodeURIComponent keeps it inside the folder ('/' becomes %2F; the prefix rules out '.' and '..'). */
export function claimPath(catalogRoot: string, nodeId: string): string {
  return join(seriesClaimsDir(catalogRoot), `series-${encodeURIComponent(nodeId)}.pid`);
}

export class SeriesClaims {
  readonly #root: string;
  readonly #held = new Map<string, () => Promise<void>>();
  #folder: Promise<unknown> | undefined;

  constructor(catalogRoot: string) {
    this.#root = catalogRoot;
  }

  /** Claims `nodeId` for this process (again: a no-op); refuses one a live capture holds. */
  async claim(nodeId: string): Promise<void> {
    if (this.#held.has(nodeId)) return;
    await (this.#folder ??= mkdir(seriesClaimsDir(this.#root), { recursive: true }));
    const path = claimPath(this.#root, nodeId);
    const release = await takePidLock(path, (pid) => new CaptureError(
      'CAPTURE_LOCKED',
      `${nodeId} is being captured into this catalog by process ${pid}; capture each series with one process (leave it out of --symbols/--channels here), or stop that process first`,
      { path, pid, nodeId },
    ));
    this.#held.set(nodeId, release);
  }

  /** Releases every claim this process holds but those of `keep`. */
  async releaseAllBut(keep: ReadonlySet<string>): Promise<void> {
    for (const [nodeId, release] of this.#held) {
      if (keep.has(nodeId)) continue;
      await release();
      this.#held.delete(nodeId);
    }
  }

  /** Releases every claim this process holds. */
  releaseAll(): Promise<void> {
    return this.releaseAllBut(new Set());
  }
}
