#!/usr/bin/env node
// Idempotent setup of QuestDB for tests and benchmarks: makes sure the `org.questdb:questdb`
// jar is in `.cache/questdb/`. Does nothing when it is already there.
//
// The plain Maven Central jar is the whole server (main class io.questdb.ServerMain, native
// libraries for linux-x86-64 and linux-aarch64 inside); it is compiled for Java 17 (class file
// 61) and starts on /usr/bin/java 17 with no --add-exports or other JVM flags:
//   java -Xmx512m -cp <jar> io.questdb.ServerMain -d <rootDir>
//
//   ensureQuestDb(root)             resolves to the jar path, fetching it first if missing
//   node scripts/setup/questdb.mjs  the same, printing the jar path on stdout (messages go to stderr)
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const QUESTDB_VERSION = '9.3.4';
const ARTIFACT = `org.questdb:questdb:${QUESTDB_VERSION}`;
const CENTRAL_URL = `https://repo1.maven.org/maven2/org/questdb/questdb/${QUESTDB_VERSION}/questdb-${QUESTDB_VERSION}.jar`;
/** The Java major version the jar is compiled for (class file version 61). */
const JAVA_MAJOR_NEEDED = 17;

/** The jar's path under `root`, whether or not it is there yet. */
export function questDbJarPath(root) {
  return join(root, '.cache', 'questdb', `questdb-${QUESTDB_VERSION}.jar`);
}

/** The java executable: $JAVA_HOME/bin/java when set, else `java` on the PATH. */
export function javaExecutable() {
  const home = process.env.JAVA_HOME;
  return home ? join(home, 'bin', 'java') : 'java';
}

/** Throws unless a Java runtime of at least version 17 is available. */
function checkJava() {
  const probe = spawnSync(javaExecutable(), ['-version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(`setup: QuestDB needs Java ${JAVA_MAJOR_NEEDED}+, and ${javaExecutable()} did not run (install openjdk-17-jre-headless or set JAVA_HOME)`);
  }
  // `java -version` prints e.g. `openjdk version "17.0.15" 2025-04-15` on stderr.
  const match = /version "(\d+)(?:\.(\d+))?/.exec(probe.stderr);
  const major = match ? Number(match[1] === '1' ? match[2] : match[1]) : NaN;
  if (!(major >= JAVA_MAJOR_NEEDED)) {
    throw new Error(`setup: QuestDB ${QUESTDB_VERSION} needs Java ${JAVA_MAJOR_NEEDED}+, was ${probe.stderr.split('\n')[0]}`);
  }
}

/** Copies the jar with Maven; returns false when Maven is not installed. */
function fetchWithMaven(folder) {
  const which = spawnSync('mvn', ['-v'], { stdio: 'ignore' });
  if (which.error || which.status !== 0) return false;
  execFileSync('mvn', ['-q', 'dependency:copy', `-Dartifact=${ARTIFACT}`, `-DoutputDirectory=${folder}`], { stdio: ['ignore', 'ignore', 'inherit'] });
  return true;
}

/** Downloads the jar from Maven Central, checked against its published SHA-1. */
async function fetchFromCentral(target) {
  const [jar, sha1] = await Promise.all([fetch(CENTRAL_URL), fetch(`${CENTRAL_URL}.sha1`)]);
  if (!jar.ok || !sha1.ok) throw new Error(`setup: ${CENTRAL_URL} answered ${jar.status}/${sha1.status}`);
  const bytes = Buffer.from(await jar.arrayBuffer());
  const expected = (await sha1.text()).trim().split(/\s+/)[0];
  const actual = createHash('sha1').update(bytes).digest('hex');
  if (actual !== expected) throw new Error(`setup: ${CENTRAL_URL} has SHA-1 ${actual}, Maven Central publishes ${expected}`);
  await writeFile(target, bytes);
}

/** Resolves to the QuestDB jar path under `root`, fetching it once when it is missing. */
export async function ensureQuestDb(root) {
  const jar = questDbJarPath(root);
  if (existsSync(jar)) return jar;
  checkJava();
  console.error(`setup: fetching ${ARTIFACT} into ${dirname(jar)} (once)`);
  // Fetch into a private folder and rename, so parallel setups never see half a jar.
  const staging = `${dirname(jar)}.staging-${process.pid}`;
  await mkdir(staging, { recursive: true });
  try {
    const staged = join(staging, `questdb-${QUESTDB_VERSION}.jar`);
    if (!fetchWithMaven(staging)) await fetchFromCentral(staged);
    if (!existsSync(staged)) throw new Error(`setup: fetching ${ARTIFACT} left no jar in ${staging}`);
    await mkdir(dirname(jar), { recursive: true });
    await rename(staged, jar);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  console.error(`setup: QuestDB ${QUESTDB_VERSION} ready`);
  return jar;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
  ensureQuestDb(root).then(
    (jar) => console.log(jar),
    (error) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
