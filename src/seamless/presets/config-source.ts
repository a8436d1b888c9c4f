/**
 * Reads a YAML or JSON config file and keeps its source positions, so every later error
 * (schema, cross-reference, option) can say which line to fix.
 */
import { readFile } from 'node:fs/promises';
import { extname, resolve } from 'node:path';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { SeamlessError } from '../errors.js';

export type PathSegment = string | number;

export interface ConfigSource {
  /** Absolute path, or a label such as `built-in presets` for text that has no file. */
  readonly file: string;
  readonly data: unknown;
  /** 1-based line of the value at `path`, else of its deepest ancestor present in the text. */
  lineOf(path: readonly PathSegment[]): number | undefined;
}

export type ConfigFormat = 'yaml' | 'json';

/** `.yaml`/`.yml` → YAML, `.json` → JSON; anything else is refused rather than guessed. */
export function formatOf(file: string): ConfigFormat {
  const ext = extname(file).toLowerCase();
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  if (ext === '.json') return 'json';
  throw new SeamlessError(
    'SEAMLESS_BAD_CONFIG',
    `${file}: cannot tell the format from the extension, was "${ext || '(none)'}"; name the file .yaml, .yml or .json`,
    { file },
  );
}

/** Reads `path`; `what` names the file in errors (e.g. `presets file`). A missing file is an error. */
export async function readConfigFile(path: string, what: string): Promise<ConfigSource> {
  const file = resolve(path);
  const format = formatOf(file);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder, not a file' : `cannot read it (${code ?? String(error)})`;
    throw new SeamlessError('SEAMLESS_BAD_CONFIG', `${what} ${file}: ${why}; check the path or create the file`, { file }, error);
  }
  return parseConfigText(text, file, format);
}

/** Parses text already in memory; YAML positions are used for JSON too (JSON is YAML). */
export function parseConfigText(text: string, file: string, format: ConfigFormat): ConfigSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  if (format === 'json') {
    try {
      JSON.parse(text);
    } catch (error) {
      // YAML accepts more than JSON (comments, bare words); the file says it is JSON, so hold it to that.
      throw new SeamlessError('SEAMLESS_BAD_CONFIG', `${file}: invalid JSON: ${(error as Error).message}; fix the syntax`, { file }, error);
    }
  }
  const first = doc.errors[0];
  if (first !== undefined) {
    const line = first.linePos?.[0].line;
    throw new SeamlessError(
      'SEAMLESS_BAD_CONFIG',
      `${file}: invalid YAML${line === undefined ? '' : ` at line ${line}`}: ${first.message.split('\n')[0]}; fix the syntax`,
      { file, line },
      first,
    );
  }
  return {
    file,
    data: doc.toJS({ maxAliasCount: 100 }),
    lineOf: (path) => lineOf(doc, lineCounter, path),
  };
}

function lineOf(doc: Document, counter: LineCounter, path: readonly PathSegment[]): number | undefined {
  const lineAt = (node: unknown): number | undefined => {
    const offset = (node as Node | null)?.range?.[0];
    return offset === undefined ? undefined : counter.linePos(offset).line;
  };
  let node: unknown = doc.contents;
  let line = lineAt(node);
  for (const segment of path) {
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === String(segment));
      if (pair === undefined) break;
      // The key's line: it exists even when the value is empty, and it is what users look for.
      line = lineAt(pair.key) ?? line;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number' && node.items[segment] !== undefined) {
      node = node.items[segment];
      line = lineAt(node) ?? line;
    } else {
      break;
    }
  }
  return line;
}
