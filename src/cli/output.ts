/**
 * Where the CLI prints: stdout with backpressure (so `| head` and large reads behave), or a
 * string buffer in tests. Also the one table printer.
 */
export interface Output {
  write(text: string): void;
  /** Resolves once the text is accepted; use it in loops that print a lot. */
  writeAsync(text: string): Promise<void>;
}

export function stdoutOutput(): Output {
  return {
    write: (text) => void process.stdout.write(text),
    writeAsync: (text) =>
      new Promise<void>((resolve) => {
        if (process.stdout.write(text)) resolve();
        else process.stdout.once('drain', () => resolve());
      }),
  };
}

export function bufferOutput(): Output & { text(): string } {
  const parts: string[] = [];
  return {
    write: (text) => void parts.push(text),
    writeAsync: async (text) => void parts.push(text),
    text: () => parts.join(''),
  };
}

/** Prints rows as left-aligned columns under a header. */
export function printTable(out: Output, header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  out.write(`${[line(header), ...rows.map(line)].join('\n')}\n`);
}
