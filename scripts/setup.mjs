#!/usr/bin/env node
// Idempotent setup for tests and benchmarks: makes sure `.venv/` holds
// NautilusTrader 1.221.0 (the last release for Python 3.11; the Linux wheel is
// the 128-bit high-precision build), Debian's redis-server is installed, and the
// QuestDB jar from Maven Central is in .cache/questdb. Does nothing for what is there.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const NAUTILUS_VERSION = '1.221.0';
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const venv = join(root, '.venv');
const venvPython = join(venv, 'bin', 'python');

function installedVersion() {
  if (!existsSync(venvPython)) return null;
  const probe = spawnSync(venvPython, ['-c', 'import nautilus_trader; print(nautilus_trader.__version__)'], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.trim() : null;
}

function findPython311() {
  for (const candidate of ['python3.11', 'python3']) {
    const probe = spawnSync(candidate, ['-c', 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")'], { encoding: 'utf8' });
    if (probe.status === 0 && probe.stdout.trim() === '3.11') return candidate;
  }
  throw new Error('setup: NautilusTrader 1.221.0 needs Python 3.11; neither python3.11 nor python3 is 3.11 on this machine');
}

const { ensureRedis } = await import('./setup/redis.mjs');
ensureRedis();
const { ensureQuestDb } = await import('./setup/questdb.mjs');
await ensureQuestDb(root);

if (installedVersion() === NAUTILUS_VERSION) {
  process.exit(0);
}
console.log(`setup: installing nautilus_trader==${NAUTILUS_VERSION} into ${venv} (once)`);
if (!existsSync(venvPython)) execFileSync(findPython311(), ['-m', 'venv', venv], { stdio: 'inherit' });
execFileSync(venvPython, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', `nautilus_trader==${NAUTILUS_VERSION}`], { stdio: 'inherit' });
const version = installedVersion();
if (version !== NAUTILUS_VERSION) throw new Error(`setup: expected nautilus_trader ${NAUTILUS_VERSION} in .venv, found ${version}`);
console.log(`setup: nautilus_trader ${version} ready`);
