#!/usr/bin/env node
// Idempotent setup for tests and benchmarks: makes sure `.venv/` holds
// NautilusTrader 1.221.0 (the last release for Python 3.11; the Linux wheel is
// the 128-bit high-precision build) and redis-py, Debian's redis-server is installed, and the
// QuestDB jar from Maven Central is in .cache/questdb. Does nothing for what is there.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Python packages the node side needs, pinned: NautilusTrader itself and redis-py (the mode
// actor in python/seamless_mode_actor.py reads the `mode` flag with it).
const PYTHON_PACKAGES = { nautilus_trader: '1.221.0', redis: '5.2.1' };
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const venv = join(root, '.venv');
const venvPython = join(venv, 'bin', 'python');

/** Installed versions of PYTHON_PACKAGES in .venv (null for each missing), or null without a venv. */
function installedVersions() {
  if (!existsSync(venvPython)) return null;
  const script = 'import json, importlib.metadata as m, sys\nout = {}\nfor name in sys.argv[1:]:\n    try: out[name] = m.version(name)\n    except m.PackageNotFoundError: out[name] = None\nprint(json.dumps(out))';
  const probe = spawnSync(venvPython, ['-c', script, ...Object.keys(PYTHON_PACKAGES)], { encoding: 'utf8' });
  return probe.status === 0 ? JSON.parse(probe.stdout) : null;
}

/** The `name==version` pins not yet installed in .venv. */
function missingPins() {
  const installed = installedVersions() ?? {};
  return Object.entries(PYTHON_PACKAGES).filter(([name, version]) => installed[name] !== version).map(([name, version]) => `${name}==${version}`);
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

const missing = missingPins();
if (missing.length === 0) process.exit(0);
console.log(`setup: installing ${missing.join(' ')} into ${venv} (once)`);
if (!existsSync(venvPython)) execFileSync(findPython311(), ['-m', 'venv', venv], { stdio: 'inherit' });
execFileSync(venvPython, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', ...missing], { stdio: 'inherit' });
const still = missingPins();
if (still.length > 0) throw new Error(`setup: after pip install, .venv still lacks ${still.join(' ')}`);
console.log(`setup: ${Object.entries(PYTHON_PACKAGES).map(([n, v]) => `${n} ${v}`).join(', ')} ready`);
