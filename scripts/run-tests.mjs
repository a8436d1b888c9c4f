#!/usr/bin/env node
// Runs every compiled test file under dist/test with node's test runner.
// Node 20's runner takes no globs, so the files are listed here.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const testRoot = join(root, 'dist', 'test');

function listTests(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return listTests(path);
    return entry.name.endsWith('.test.js') ? [path] : [];
  });
}

const filter = process.argv[2];
const files = listTests(testRoot).filter((f) => !filter || f.includes(filter)).sort();
if (files.length === 0) {
  console.error(`run-tests: no test files under ${testRoot}${filter ? ` matching ${filter}` : ''}`);
  process.exit(1);
}
// fast-check properties share one seed so a run is repeatable: FC_SEED=<n> replays a run,
// FC_SEED=random explores (the drawn seed is printed).
let fcSeed = process.env.FC_SEED || '20261121';
if (fcSeed === 'random') {
  fcSeed = String(Math.floor(Math.random() * 2 ** 31));
  console.error(`run-tests: fast-check seed ${fcSeed} (replay with FC_SEED=${fcSeed})`);
}
if (!/^\d{1,15}$/.test(fcSeed)) {
  console.error(`run-tests: FC_SEED must be a whole number or "random", not "${fcSeed}"`);
  process.exit(2);
}
const seedModule = join(testRoot, 'helpers', 'fast-check-seed.js');
const result = spawnSync(process.execPath, ['--import', seedModule, '--test', '--test-reporter=spec', ...files], {
  stdio: 'inherit',
  env: { ...process.env, FC_SEED: fcSeed, SEAMLESS_PYTHON: process.env.SEAMLESS_PYTHON ?? join(root, '.venv', 'bin', 'python') },
});
process.exit(result.status ?? 1);
