#!/usr/bin/env node
// Idempotent: makes sure Debian's `redis-server` is on this machine, for the coordination
// tests and benchmark (they start their own servers on free ports; see
// test/helpers/redis-server.ts). Does nothing when `redis-server --version` already works.
//
// Installing the package must not leave a system service on 6379 that a test could talk to
// by mistake, so the install runs behind a policy-rc.d that forbids starting services, and on
// a machine booted with systemd the unit is disabled and stopped afterwards.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const POLICY_RC_D = '/usr/sbin/policy-rc.d';

/** Returns the `redis-server --version` line, or null when redis-server cannot run. */
export function redisServerVersion() {
  const probe = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.trim() : null;
}

function run(command, args, env = process.env) {
  const result = spawnSync(command, args, { stdio: 'inherit', env });
  if (result.status !== 0) {
    throw new Error(`setup/redis: \`${command} ${args.join(' ')}\` failed with ${result.error?.message ?? `exit code ${result.status}`}`);
  }
}

/** Exit code 101 tells invoke-rc.d / deb-systemd-invoke "do not start services now". */
function withServicesForbidden(action) {
  if (existsSync(POLICY_RC_D)) return action(); // the machine already has a policy (Docker images do)
  writeFileSync(POLICY_RC_D, '#!/bin/sh\n# temporary, written by scripts/setup/redis.mjs\nexit 101\n');
  chmodSync(POLICY_RC_D, 0o755);
  try {
    return action();
  } finally {
    rmSync(POLICY_RC_D, { force: true });
  }
}

/** On a systemd machine the package enables redis-server.service; turn it off so 6379 stays free. */
function disableSystemService() {
  if (!existsSync('/run/systemd/system')) return;
  spawnSync('systemctl', ['disable', '--now', 'redis-server.service'], { stdio: 'inherit' });
}

/** Makes sure redis-server is installed; returns its version line. Throws when it cannot be installed. */
export function ensureRedis() {
  const present = redisServerVersion();
  if (present !== null) return present;
  if (process.getuid?.() !== 0) {
    throw new Error('setup/redis: redis-server is missing and installing it needs root; run `apt-get install redis-server` as root');
  }
  console.log('setup/redis: installing redis-server with apt-get (once)');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  withServicesForbidden(() => {
    run('apt-get', ['update'], env);
    run('apt-get', ['install', '-y', '--no-install-recommends', 'redis-server'], env);
  });
  disableSystemService();
  const installed = redisServerVersion();
  if (installed === null) throw new Error('setup/redis: apt-get installed redis-server but `redis-server --version` still fails');
  console.log(`setup/redis: ${installed}`);
  return installed;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  ensureRedis();
}
