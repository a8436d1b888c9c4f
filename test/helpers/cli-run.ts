/** Runs the CLI in-process through `main()`, capturing what it writes to stdout and stderr. */
import { main } from '../../src/cli/main.js';
import { bufferOutput } from '../../src/cli/output.js';

export interface CliResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** `seamless ...argv`: the exit code, stdout (buffered) and stderr (captured while it runs). */
export async function run(...argv: string[]): Promise<CliResult> {
  const out = bufferOutput();
  const errors: string[] = [];
  const original = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((text: string) => errors.push(String(text)) > 0) as typeof process.stderr.write;
  try {
    const code = await main(argv, out);
    return { code, out: out.text(), err: errors.join('') };
  } finally {
    process.stderr.write = original;
  }
}
