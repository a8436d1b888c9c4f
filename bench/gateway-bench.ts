/**
 * Gateway benchmark (issue "gateway", Speed: API p99 under concurrent catalog reads).
 *
 * `seamless gateway` runs as a child process over the demo catalog; this process drives it
 * with BENCH_CLIENTS concurrent keep-alive clients (node:http) for BENCH_SECONDS per
 * workload, and reports p50, p99 and throughput of:
 * - `GET /health`: the anchor for bare HTTP + Fastify cost;
 * - `GET /v1/catalog/bar/:id/intervals`: a listing-only catalog call;
 * - `GET /v1/catalog/bar/:id/rows` of one hour (60 bars): open, decode, NDJSON.
 * Beside each catalog workload, the anchor: the same library call done in this process at
 * the same concurrency, without HTTP (intervals; read + frameRowToJson). The ratio of p99s
 * is what HTTP, routing, validation and serialization add. Each figure is the median of
 * BENCH_RUNS runs (default 3). Run with `npm run bench:gateway`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Catalog } from '../src/catalog/catalog.js';
import { createDemoCatalog } from '../src/cli/demo-catalog.js';
import { frameRowToJson } from '../src/model/frame-rows.js';
import { isoToNs } from '../src/model/time.js';
import { median, percentile } from './measure.js';
import { REPO_ROOT } from './repo-root.js';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);
const CLIENTS = Number(process.env['BENCH_CLIENTS'] ?? 32);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 3);
const BARS = 'BTCUSDT.BINANCE-1-MINUTE-LAST-EXTERNAL';
const WINDOW = { start: isoToNs('2024-01-02T10:00:00Z'), end: isoToNs('2024-01-02T11:00:00Z') };

interface Load {
  readonly p50: number;
  readonly p99: number;
  readonly perSecond: number;
}

/** Runs `call` from `clients` concurrent loops for `seconds`; latencies in ms. */
async function load(clients: number, seconds: number, call: () => Promise<void>): Promise<Load> {
  const latencies: number[] = [];
  const started = performance.now();
  const stopAt = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < stopAt) {
        const t0 = performance.now();
        await call();
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), perSecond: latencies.length / elapsed };
}

async function startGateway(catalog: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'seamless'), 'gateway', '--catalog', catalog, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /gateway listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`gateway exited with ${code}: ${out}`)));
  });
  return { child, url };
}

// node:http with a keep-alive pool: a lighter client than fetch, so the loop measures the server more than itself.
const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });

function get(url: string, expectLines?: number): Promise<void> {
  return new Promise((resolve, reject) => {
    request(url, { agent }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        if (response.statusCode !== 200) return reject(new Error(`${url}: ${response.statusCode} ${text}`));
        if (expectLines !== undefined && text.split('\n').length - 1 !== expectLines) return reject(new Error(`${url}: expected ${expectLines} lines`));
        resolve();
      });
      response.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

const fmt = (ms: number) => `${ms.toFixed(2)} ms`;
const rate = (n: number) => `${Math.round(n)}/s`;

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'seamless-gateway-bench-'));
  const catalogPath = join(dir, 'catalog');
  await createDemoCatalog(catalogPath);
  const catalog = await Catalog.open(catalogPath);
  const { child, url } = await startGateway(catalogPath);
  const rowsUrl = `${url}/v1/catalog/bar/${BARS}/rows?start=${WINDOW.start}&end=${WINDOW.end}`;
  const intervalsUrl = `${url}/v1/catalog/bar/${BARS}/intervals`;

  const workloads: Record<string, () => Promise<void>> = {
    'http /health': () => get(`${url}/health`),
    'http intervals': () => get(intervalsUrl),
    'in-process intervals': async () => {
      await catalog.intervals('bar', BARS);
    },
    'http rows (60)': () => get(rowsUrl, 60),
    'in-process rows (60)': async () => {
      let text = '';
      for await (const frame of catalog.read('bar', BARS, WINDOW)) for (let i = 0; i < frame.length; i++) text += `${frameRowToJson(frame, i)}\n`;
      if (text.length === 0) throw new Error('no rows');
    },
  };
  const results: Record<string, Load[]> = {};
  try {
    // Warm-up: JIT, file cache, connection pool.
    for (const call of Object.values(workloads)) await load(CLIENTS, 0.5, call);
    for (let run = 0; run < RUNS; run++) {
      for (const [name, call] of Object.entries(workloads)) (results[name] ??= []).push(await load(CLIENTS, SECONDS, call));
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    agent.destroy();
    await rm(dir, { recursive: true, force: true });
  }

  const summary = (name: string): Load => {
    const list = results[name]!;
    return { p50: median(list.map((l) => l.p50)), p99: median(list.map((l) => l.p99)), perSecond: median(list.map((l) => l.perSecond)) };
  };
  console.log(`gateway: ${CLIENTS} concurrent clients, ${SECONDS} s per workload, median of ${RUNS} runs (server in a child process)`);
  for (const name of Object.keys(workloads)) {
    const s = summary(name);
    console.log(`  ${name.padEnd(22)} p50 ${fmt(s.p50).padStart(10)}  p99 ${fmt(s.p99).padStart(10)}  ${rate(s.perSecond).padStart(8)}`);
  }
  for (const what of ['intervals', 'rows (60)']) {
    const http = summary(`http ${what}`);
    const local = summary(`in-process ${what}`);
    console.log(`  ${what}: HTTP p99 / in-process p99 = ${(http.p99 / local.p99).toFixed(2)}x, throughput ${(http.perSecond / local.perSecond).toFixed(2)}x of in-process`);
  }
  const health = summary('http /health');
  console.log(`  /health p99 (bare HTTP + Fastify): ${fmt(health.p99)}`);
}

await main();
