/**
 * The gateway's bearer token on disk: created on first run (32 random bytes, base64url),
 * written owner-only (0600, in a 0700 folder) without ever being visible half-written, and
 * refused when anyone but the owner may read it, as ssh refuses a readable private key.
 *
 * The default file is `<catalog>/.seamless/gateway.token`, beside the coverage ledger
 * (`<catalog>/.seamless/ledger`), so a catalog's state travels with it.
 */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { link, mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Where the token lives for a catalog when --token-file is not given. */
export function defaultTokenFile(catalogRoot: string): string {
  return join(catalogRoot, '.seamless', 'gateway.token');
}

/** The token file is unusable: readable by others, empty or not a file. The message says how to fix it. */
export class TokenFileError extends Error {
  override name = 'TokenFileError';
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

export interface LoadedToken {
  readonly token: string;
  /** True when this call created the file: the one time the token may be shown. */
  readonly created: boolean;
  readonly path: string;
}

const TOKEN_TEXT = /^[A-Za-z0-9._~+/=-]{16,512}$/;

/**
 * Returns the token in `path`, creating the file when it does not exist.
 *
 * Throws TokenFileError when the file is group- or world-accessible, not a regular file, or
 * does not hold one token line.
 */
export async function loadOrCreateToken(path: string): Promise<LoadedToken> {
  const existing = await readToken(path);
  if (existing !== undefined) return { token: existing, created: false, path };
  const token = randomBytes(32).toString('base64url');
  if (await createExclusive(path, `${token}\n`)) return { token, created: true, path };
  // Another process created it between our read and our link: use theirs.
  const theirs = await readToken(path);
  if (theirs === undefined) throw new TokenFileError(path, `token file ${path} vanished while it was being created; start the gateway again`);
  return { token: theirs, created: false, path };
}

async function readToken(path: string): Promise<string | undefined> {
  let info;
  try {
    info = await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (!info.isFile()) throw new TokenFileError(path, `token file ${path} is not a regular file; remove it, or pass another path with --token-file`);
  if ((info.mode & 0o077) !== 0) {
    const mode = (info.mode & 0o777).toString(8).padStart(3, '0');
    throw new TokenFileError(path, `token file ${path} can be accessed by other users (mode ${mode}); run \`chmod 600 ${path}\`, or delete it to get a new token`);
  }
  const token = (await readFile(path, 'utf8')).trim();
  if (!TOKEN_TEXT.test(token)) throw new TokenFileError(path, `token file ${path} does not hold one token of 16..512 URL-safe characters; delete it to get a new token`);
  return token;
}

/**
 * Writes `text` to `path` only if `path` does not exist: staged in a hidden 0600 file, synced,
 * then hard-linked into place (link fails when the target exists, so two gateways starting
 * at once cannot both believe they created the token). Returns false when `path` existed.
 */
async function createExclusive(path: string, text: string): Promise<boolean> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const staged = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(staged, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(staged, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await rm(staged, { force: true });
  }
}
