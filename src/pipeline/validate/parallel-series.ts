/**
 * Series validated `jobs` at a time (validateCatalog): the calling thread and jobs − 1 worker
 * threads each take the next series and validate its files in time order (series-worker.ts
 * runs validateSeries, as the calling thread does), then answer with that series' file
 * reports. Series share no state, so the reports, put back in series order, are the ones one
 * thread makes. Only reports cross the threads (a few KB a file), never frames. The calling
 * thread works too: a worker costs ~0.1 s to start (its modules and kernels), and on two
 * cores one worker and the caller keep both busy.
 */
import { Worker } from 'node:worker_threads';
import type { ValidateOptions } from './options.js';
import type { FileReport } from './report.js';
import type { SeriesFiles } from './runner.js';

/** What the parent sends a worker: one series to validate. */
export interface SeriesTask {
  readonly root: string;
  readonly options: ValidateOptions;
  readonly series: SeriesFiles;
}

/** What a worker answers: the series' file reports, or the error that stopped it. */
export type SeriesAnswer = { readonly reports: FileReport[] } | { readonly error: ErrorDescription };

/**
 * An error as it crosses threads. Only errors that are not CatalogErrors get here:
 * validateSeries turns a file's CatalogError into an `unreadable` finding.
 */
export interface ErrorDescription {
  readonly name: string;
  readonly message: string;
}

export function describeError(error: unknown): ErrorDescription {
  return error instanceof Error ? { name: error.name, message: error.message } : { name: 'Error', message: String(error) };
}

function reviveError({ name, message }: ErrorDescription): Error {
  const error = new Error(`${message} (in a validation worker)`);
  error.name = name;
  return error;
}

/**
 * Validates `series`, `jobs` at a time: here with `validateHere`, and on jobs − 1 worker
 * threads. Returns each series' file reports, in series order.
 */
export async function validateSeriesInParallel(root: string, options: ValidateOptions, series: readonly SeriesFiles[], jobs: number, validateHere: (series: SeriesFiles) => Promise<FileReport[]>): Promise<FileReport[][]> {
  const results: FileReport[][] = new Array<FileReport[]>(series.length);
  const pool = Array.from({ length: Math.max(0, jobs - 1) }, () => new Worker(new URL('./series-worker.js', import.meta.url)));
  let next = 0;
  let failed = false;
  // Each lane takes the next series until none is left or one lane failed.
  const lane = async (validate: (one: SeriesFiles) => Promise<FileReport[]>) => {
    while (!failed && next < series.length) {
      const index = next++;
      try {
        results[index] = await validate(series[index]!);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  try {
    await Promise.all([...pool.map((worker) => lane((one) => validateOn(worker, { root, options, series: one }))), lane(validateHere)]);
  } finally {
    await Promise.all(pool.map((worker) => worker.terminate()));
  }
  return results;
}

/** Sends `task` to `worker` and waits for its answer. */
function validateOn(worker: Worker, task: SeriesTask): Promise<FileReport[]> {
  return new Promise((resolve, reject) => {
    const settle = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (answer: SeriesAnswer) => {
      settle();
      if ('error' in answer) reject(reviveError(answer.error));
      else resolve(answer.reports);
    };
    const onError = (error: Error) => {
      settle();
      reject(error);
    };
    const onExit = (code: number) => {
      settle();
      reject(new Error(`a validation worker stopped (exit code ${code}) before it finished ${task.series.type} ${task.series.identifier}`));
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage(task);
  });
}
