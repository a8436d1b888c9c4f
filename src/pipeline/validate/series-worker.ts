/**
 * The worker thread of parallel-series.ts: validates each series it is sent, one at a time,
 * and answers with its file reports (or the error that stopped it).
 */
import { parentPort } from 'node:worker_threads';
import { resolveOptions } from './options.js';
import { type SeriesAnswer, type SeriesTask, describeError } from './parallel-series.js';
import { validateSeries } from './runner.js';

const port = parentPort;
if (!port) throw new Error('series-worker.js runs as a worker thread of validateCatalog');

port.on('message', (task: SeriesTask) => {
  void answer(task).then((reply) => port.postMessage(reply));
});

async function answer({ root, options, series }: SeriesTask): Promise<SeriesAnswer> {
  try {
    return { reports: await validateSeries(root, series, resolveOptions(options)) };
  } catch (error) {
    return { error: describeError(error) };
  }
}
