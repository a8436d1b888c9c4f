/**
 * Where the Python side lives: the interpreter with NautilusTrader (SEAMLESS_PYTHON, else the
 * repository's .venv, as the presets' probe decides) and our scripts under python/.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pythonPath } from '../seamless/presets/probes.js';

/** This file sits in dist/src/nodes/, three levels below the repository root. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export function nodePython(explicit?: string): string {
  return pythonPath(explicit === undefined ? {} : { python: explicit });
}

export function pythonScript(name: 'seamless_runner.py' | 'node_check.py'): string {
  return join(REPO_ROOT, 'python', name);
}
