/**
 * The bridge to python/node_check.py: one Python process checks a batch of run configs against
 * NautilusTrader's own config Structs (keys, values, importable class paths) and answers JSON.
 * Importing NautilusTrader costs about a second, so callers batch (a grid checks every
 * combination in one call).
 */
import { spawn } from 'node:child_process';
import * as z from 'zod';
import { NodeError } from './errors.js';
import { FINDING_CODES, type Finding, type FindingCode } from './findings.js';
import { type JsonObject, stringifyJson } from './json-value.js';
import { nodePython, pythonScript } from './python-env.js';

const answerSchema = z.object({
  nautilus_trader: z.string(),
  results: z.array(
    z.object({
      findings: z.array(z.object({ path: z.string(), code: z.string(), message: z.string(), suggestion: z.string().optional() })),
    }),
  ),
});

export interface PythonCheckOptions {
  readonly python?: string;
  readonly timeoutMs?: number;
}

/**
 * Returns the findings of each config, in order.
 *
 * Throws NodeError CHECKER_FAILED when Python cannot start, exits non-zero, times out, or
 * answers with something that is not the expected JSON.
 */
export async function pythonCheck(configs: readonly JsonObject[], options: PythonCheckOptions = {}): Promise<Finding[][]> {
  const python = nodePython(options.python);
  const request = stringifyJson({ kind: 'backtest', configs: [...configs] });
  const { code, stdout, stderr } = await runWithInput(python, [pythonScript('node_check.py')], request, options.timeoutMs ?? 120_000);
  if (code !== 0) {
    throw new NodeError('CHECKER_FAILED', `the config checker (${python} python/node_check.py) exited with ${code}: ${lastLines(stderr, 5)}`);
  }
  let answer: z.infer<typeof answerSchema>;
  try {
    answer = answerSchema.parse(JSON.parse(stdout));
  } catch (error) {
    throw new NodeError('CHECKER_FAILED', `the config checker answered with unexpected output: ${(error as Error).message.slice(0, 300)}`);
  }
  if (answer.results.length !== configs.length) {
    throw new NodeError('CHECKER_FAILED', `the config checker answered for ${answer.results.length} configs, was asked about ${configs.length}`);
  }
  return answer.results.map((r) =>
    r.findings.map((f) => {
      const code = (f.code in FINDING_CODES ? f.code : 'INVALID') as FindingCode;
      return { path: f.path, code, severity: FINDING_CODES[code], message: f.message, ...(f.suggestion === undefined ? {} : { suggestion: f.suggestion }) };
    }),
  );
}

function runWithInput(command: string, args: string[], input: string, timeoutMs: number): Promise<{ code: number | string; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new NodeError('CHECKER_FAILED', `cannot start the config checker with ${command}: ${error.message}; run \`npm run setup\` or set SEAMLESS_PYTHON`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? `signal ${signal}`, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
    child.stdin.on('error', () => {}); // a checker that dies early is reported by its exit status
    child.stdin.end(input);
  });
}

function lastLines(text: string, n: number): string {
  return text.trim().split('\n').slice(-n).join(' | ');
}
