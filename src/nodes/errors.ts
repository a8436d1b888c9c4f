/**
 * The one error class of node configs, the supervisor, backtests and grids, with a registry of
 * stable codes and their HTTP status. The gateway's error handler turns any error carrying a
 * string `code` and a numeric `statusCode` into `{error: code, message, statusCode}`, so these
 * codes are the API's contract: never reuse one for a different meaning.
 */

export const NODE_ERRORS = {
  CONFIG_UNREADABLE: { status: 400, doc: 'A config file or body is not valid YAML/JSON, or not a mapping.' },
  CONFIG_INVALID: { status: 422, doc: 'A config has findings (unknown key, bad value, unknown instrument, uncovered window...).' },
  CHECKER_FAILED: { status: 500, doc: 'The Python config checker could not run or answered with something malformed.' },
  BAD_ID: { status: 400, doc: 'A node, run or grid id is malformed.' },
  BAD_PARAM: { status: 400, doc: 'A grid parameter is malformed or names no config path.' },
  NODE_NOT_FOUND: { status: 404, doc: 'No node with that id.' },
  RUN_NOT_FOUND: { status: 404, doc: 'No backtest run with that id.' },
  GRID_NOT_FOUND: { status: 404, doc: 'No grid with that id.' },
  NODE_NOT_RUNNING: { status: 409, doc: 'The node already ended, so it cannot be stopped.' },
  RESULTS_NOT_READY: { status: 409, doc: 'The run has not finished (or failed), so it has no results.' },
  NODE_START_FAILED: { status: 500, doc: 'The runner process could not be started.' },
  STATE_UNREADABLE: { status: 500, doc: 'A file in the state folder (a grid record) is not valid JSON.' },
} as const;

export type NodeErrorCode = keyof typeof NODE_ERRORS;

export class NodeError extends Error {
  override readonly name = 'NodeError';
  readonly statusCode: number;

  constructor(
    readonly code: NodeErrorCode,
    message: string,
    /** Structured details for callers, e.g. the findings of CONFIG_INVALID. */
    readonly details: Readonly<Record<string, unknown>> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.statusCode = NODE_ERRORS[code].status;
  }
}
