// python/seamless_node_config.py: adds the Redis message bus and the mode actor to a
// NautilusTrader config JSON. Checked three ways: the JSON it writes (other keys untouched,
// idempotent, secrets handled, clear errors, fuzzed input), NautilusTrader decoding it
// (BacktestRunConfig list and TradingNodeConfig, actor built by ActorFactory), and a real
// `python -m nautilus_trader.backtest` run of the output that publishes to Redis and is halted
// from the start by the `mode` flag through the actor it loaded from config.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import fc from 'fast-check';
import { runPeer } from '../helpers/python-peer.js';
import { busPayload, pythonPathEnv, pythonScript, readStream, runPython, runPythonOk, streamKeys, textFields } from './node-process.js';
import { useRedisAndFolder } from './redis-and-folder.js';

type Json = Record<string, unknown>;

const ACTOR_PATH = 'seamless_mode_actor:ModeActor';
const HELPER = pythonScript('seamless_node_config.py');

const env = useRedisAndFolder('seamless-node-config-');

let fileCounter = 0;
async function jsonFile(doc: unknown): Promise<string> {
  const path = join(env.dir, `in-${++fileCounter}.json`);
  await writeFile(path, JSON.stringify(doc, null, 2));
  return path;
}

async function helper(input: string, out: string, extra: string[] = [], env?: NodeJS.ProcessEnv) {
  return runPython([HELPER, '--in', input, '--out', out, ...extra], env === undefined ? {} : { env });
}

function without(obj: Json, ...keys: string[]): Json {
  return Object.fromEntries(Object.entries(obj).filter(([k]) => !keys.includes(k)));
}

const tradingNodeConfig: Json = {
  trader_id: 'LIVE-001',
  logging: { log_level: 'INFO' },
  data_clients: {},
  exec_clients: {},
  message_bus: { streams_prefix: 'bus', autotrim_mins: 30 },
  actors: [{ actor_path: 'other_module:OtherActor', config_path: 'other_module:OtherActorConfig', config: {} }],
  strategies: [
    {
      strategy_path: 'nautilus_trader.examples.strategies.ema_cross:EMACross',
      config_path: 'nautilus_trader.examples.strategies.ema_cross:EMACrossConfig',
      config: { instrument_id: 'EUR/USD.SIM', bar_type: 'EUR/USD.SIM-1-MINUTE-BID-EXTERNAL', trade_size: '100000' },
    },
  ],
  timeout_connection: 30.0,
};

describe('seamless_node_config.py output', () => {
  it('adds bus + actor to a TradingNodeConfig, keeps every other key, and is idempotent', async () => {
    const input = await jsonFile(tradingNodeConfig);
    const out = join(env.dir, 'node-out.json');
    const first = await helper(input, out, ['--redis-url', `redis://127.0.0.1:${env.server.port}`, '--encoding', 'json', '--poll-interval-ms', '250']);
    assert.equal(first.code, 0, first.stderr);
    const doc = JSON.parse(await readFile(out, 'utf8')) as Json;
    assert.deepEqual(without(doc, 'message_bus', 'actors'), without(tradingNodeConfig, 'message_bus', 'actors'));
    assert.deepEqual(Object.keys(doc), Object.keys(tradingNodeConfig), 'key order kept');
    assert.deepEqual(doc['message_bus'], {
      streams_prefix: 'bus',
      autotrim_mins: 30,
      database: { type: 'redis', host: '127.0.0.1', port: env.server.port, ssl: false },
      encoding: 'json',
    });
    const actors = doc['actors'] as Json[];
    assert.equal(actors.length, 2);
    assert.deepEqual(actors[0], (tradingNodeConfig['actors'] as Json[])[0]);
    assert.deepEqual(actors[1], {
      actor_path: ACTOR_PATH,
      config_path: 'seamless_mode_actor:ModeActorConfig',
      config: { redis_host: '127.0.0.1', redis_port: env.server.port, redis_db: 0, redis_ssl: false, poll_interval_ms: 250, trader_id: 'LIVE-001' },
    });
    assert.equal((await stat(out)).mode & 0o777, 0o644);

    // Running it again on its own output (in place) changes nothing.
    const again = await helper(out, out, ['--redis-url', `redis://127.0.0.1:${env.server.port}`, '--encoding', 'json', '--poll-interval-ms', '250']);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(JSON.parse(await readFile(out, 'utf8')), doc);
  });

  it('keeps a password out of its output streams and the actor config; the file becomes 0600', async () => {
    const secret = 's3cr#t-pa55';
    const input = await jsonFile(tradingNodeConfig);
    const fromUrl = join(env.dir, 'pw-url.json');
    const r1 = await helper(input, fromUrl, ['--redis-url', `redis://app:${encodeURIComponent(secret)}@127.0.0.1:6380/2`]);
    assert.equal(r1.code, 0, r1.stderr);
    assert.equal(`${r1.stdout}${r1.stderr}`.includes(secret), false);
    assert.match(r1.stderr, /redis:\/\/app:\*\*\*@127\.0\.0\.1:6380\/2/);
    assert.match(r1.stderr, /DB 2 is used by the mode actor only/);
    const doc = JSON.parse(await readFile(fromUrl, 'utf8')) as Json;
    const bus = doc['message_bus'] as { database: Json };
    assert.equal(bus.database['password'], secret);
    assert.equal(bus.database['username'], 'app');
    const actorConfig = ((doc['actors'] as Json[])[1] as { config: Json }).config;
    assert.equal(JSON.stringify(actorConfig).includes(secret), false);
    assert.equal(actorConfig['redis_password_env'], 'SEAMLESS_REDIS_PASSWORD');
    assert.equal(actorConfig['redis_db'], 2);
    assert.equal((await stat(fromUrl)).mode & 0o777, 0o600);

    const fromEnv = join(env.dir, 'pw-env.json');
    const r2 = await helper(input, fromEnv, ['--redis-url', 'redis://127.0.0.1:6380', '--password-env', 'MY_REDIS_PW'], { ...process.env, MY_REDIS_PW: secret });
    assert.equal(r2.code, 0, r2.stderr);
    assert.equal(`${r2.stdout}${r2.stderr}`.includes(secret), false);
    const envDoc = JSON.parse(await readFile(fromEnv, 'utf8')) as Json;
    assert.equal((envDoc['message_bus'] as { database: Json }).database['password'], secret);
    assert.equal(((envDoc['actors'] as Json[])[1] as { config: Json }).config['redis_password_env'], 'MY_REDIS_PW');
  });

  it('rejects bad input with a message naming the problem, and writes nothing', async () => {
    const good = await jsonFile(tradingNodeConfig);
    const broken = join(env.dir, 'broken.json');
    await writeFile(broken, '{\n  "trader_id": "X",\n  "actors": [,]\n}\n');
    const cases: Array<[string, string[], RegExp]> = [
      [good, ['--redis-url', 'http://127.0.0.1:6379'], /--redis-url must start with redis:\/\/ or rediss:\/\//],
      [good, ['--redis-url', 'redis://:pw@127.0.0.1:99999'], /--redis-url is not a valid URL/],
      [good, ['--redis-url', 'redis://127.0.0.1:6379/abc'], /path must be a DB index/],
      [good, ['--redis-url', 'redis://127.0.0.1:6379', '--password-env', 'SURELY_UNSET_VARIABLE_X'], /SURELY_UNSET_VARIABLE_X: that environment variable is not set/],
      [broken, ['--redis-url', 'redis://127.0.0.1:6379'], /broken\.json: invalid JSON at line 3, column 14/],
      [await jsonFile([{ engine: {} }, 42]), ['--redis-url', 'redis://127.0.0.1:6379'], /item \[1\] of the list is not a BacktestRunConfig/],
      [await jsonFile({ trader_id: 'X', message_bus: 'redis' }), ['--redis-url', 'redis://127.0.0.1:6379'], /message_bus must be an object, got str/],
    ];
    for (const [input, args, message] of cases) {
      const out = join(env.dir, `never-${++fileCounter}.json`);
      const result = await helper(input, out, args);
      assert.equal(result.code, 1, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, /Traceback/);
      assert.equal(result.stderr.includes(':pw@'), false);
      assert.equal(existsSync(out), false, 'no output file on error');
    }
  });

  it('fuzz: any JSON object either gains exactly the bus + actor settings or is refused cleanly', async () => {
    const keyArb = fc.oneof(fc.constantFrom('message_bus', 'actors', 'engine', 'venues', 'data', 'trader_id'), fc.string({ maxLength: 8 }));
    await fc.assert(
      fc.asyncProperty(fc.dictionary(keyArb, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 }), async (generated) => {
        // What the helper can see is the JSON text: -0 is written as 0, so compare with that.
        const doc = JSON.parse(JSON.stringify(generated)) as Json;
        const input = await jsonFile(doc);
        const out = join(env.dir, `fuzz-${++fileCounter}.json`);
        const result = await helper(input, out, ['--redis-url', 'redis://127.0.0.1:6379', '--no-mode-actor']);
        if (result.code !== 0) {
          assert.equal(result.code, 1, result.stderr);
          assert.match(result.stderr, /^seamless_node_config: /);
          assert.doesNotMatch(result.stderr, /Traceback/);
          assert.equal(existsSync(out), false);
          return;
        }
        const written = JSON.parse(await readFile(out, 'utf8')) as Json;
        const isRun = 'engine' in doc || ('venues' in doc && 'data' in doc);
        const kernelIn = (isRun ? ((doc as Json)['engine'] ?? {}) : doc) as Json;
        const kernelOut = (isRun ? written['engine'] : written) as Json;
        if (isRun) assert.deepEqual(without(written, 'engine'), without(doc as Json, 'engine'));
        assert.deepEqual(without(kernelOut, 'message_bus'), without(kernelIn, 'message_bus'));
        const bus = kernelOut['message_bus'] as Json;
        assert.deepEqual(bus['database'], { type: 'redis', host: '127.0.0.1', port: 6379, ssl: false });
      }),
      { numRuns: 25 },
    );
  });
});

describe('seamless_node_config.py output in NautilusTrader', () => {
  let catalog: string;
  let runConfigPath: string;

  before(async () => {
    catalog = join(env.dir, 'catalog');
    await runPeer(['write-backtest-sample', '--catalog', catalog, '--bars', '240', '--seed', '3']);
    const runConfigs = [
      {
        engine: {
          trader_id: 'CFGTEST-001',
          logging: { log_level: 'ERROR' },
          strategies: [
            {
              strategy_path: 'nautilus_trader.examples.strategies.ema_cross:EMACross',
              config_path: 'nautilus_trader.examples.strategies.ema_cross:EMACrossConfig',
              config: {
                instrument_id: 'BTCUSDT.BINANCE',
                bar_type: 'BTCUSDT.BINANCE-1-MINUTE-LAST-EXTERNAL',
                trade_size: '0.050000',
                subscribe_trade_ticks: false,
                request_bars: false,
              },
            },
          ],
        },
        venues: [{ name: 'BINANCE', oms_type: 'NETTING', account_type: 'CASH', base_currency: null, starting_balances: ['10 BTC', '1000000 USDT'], book_type: 'L1_MBP' }],
        data: [{ catalog_path: catalog, data_cls: 'nautilus_trader.model.data:Bar', instrument_id: 'BTCUSDT.BINANCE', bar_spec: '1-MINUTE-LAST' }],
        chunk_size: null,
        raise_exception: true,
      },
    ];
    runConfigPath = join(env.dir, 'run-config.json');
    const input = await jsonFile(runConfigs);
    const result = await helper(input, runConfigPath, ['--redis-url', `redis://127.0.0.1:${env.server.port}`, '--poll-interval-ms', '60000']);
    assert.equal(result.code, 0, result.stderr);
  });

  it('decodes as BacktestRunConfig and TradingNodeConfig, and ActorFactory builds the mode actor', async () => {
    const nodeOut = join(env.dir, 'node-config.json');
    const r = await helper(await jsonFile(tradingNodeConfig), nodeOut, ['--redis-url', `redis://127.0.0.1:${env.server.port}`]);
    assert.equal(r.code, 0, r.stderr);
    const script = [
      'import json, sys, msgspec',
      'from nautilus_trader.config import ActorFactory, BacktestRunConfig, TradingNodeConfig, msgspec_decoding_hook',
      'def summary(kernel):',
      '    db = kernel.message_bus.database',
      '    actor = ActorFactory.create(kernel.actors[-1])',
      '    return {"db": [db.type, db.host, db.port], "encoding": kernel.message_bus.encoding,',
      '            "actor": type(actor).__name__, "actor_port": actor.config.redis_port,',
      '            "poll": actor.config.poll_interval_ms, "actor_trader": actor.config.trader_id,',
      '            "trader_id": str(kernel.trader_id), "strategies": [s.strategy_path for s in kernel.strategies]}',
      'runs = msgspec.json.decode(open(sys.argv[1], "rb").read(), type=list[BacktestRunConfig], dec_hook=msgspec_decoding_hook)',
      'node = msgspec.json.decode(open(sys.argv[2], "rb").read(), type=TradingNodeConfig, dec_hook=msgspec_decoding_hook)',
      'print(json.dumps({"run": summary(runs[0].engine), "node": summary(node)}))',
    ].join('\n');
    const { stdout } = await runPythonOk(['-c', script, runConfigPath, nodeOut], { env: pythonPathEnv() });
    const decoded = JSON.parse(stdout.trim().split('\n').at(-1) as string) as Record<string, Json>;
    assert.deepEqual(decoded['run'], {
      db: ['redis', '127.0.0.1', env.server.port],
      encoding: 'msgpack',
      actor: 'ModeActor',
      actor_port: env.server.port,
      poll: 60000,
      actor_trader: 'CFGTEST-001',
      trader_id: 'CFGTEST-001',
      strategies: ['nautilus_trader.examples.strategies.ema_cross:EMACross'],
    });
    assert.deepEqual(decoded['node'], {
      db: ['redis', '127.0.0.1', env.server.port],
      encoding: 'msgpack',
      actor: 'ModeActor',
      actor_port: env.server.port,
      poll: 1000,
      actor_trader: 'LIVE-001',
      trader_id: 'LIVE-001',
      strategies: ['nautilus_trader.examples.strategies.ema_cross:EMACross'],
    });
  });

  it('runs with `python -m nautilus_trader.backtest`: bus streams in Redis, every order denied under mode=halt', async () => {
    await env.redis.set('mode', 'halt');
    await runPythonOk(['-m', 'nautilus_trader.backtest', '--fsspec-url', `file://${runConfigPath}`], { env: pythonPathEnv() });
    const acks = (await readStream(env.redis, 'nautilus:mode:acks')).map(textFields).filter((a) => a['trader_id'] === 'CFGTEST-001');
    assert.deepEqual(acks.map((a) => [a['mode'], a['state']]), [['halt', 'HALTED']]);
    const prefix = 'trader-CFGTEST-001:stream:';
    const keys = await streamKeys(env.redis, `${prefix}*`);
    assert.ok(keys.includes(`${prefix}data.bars.BTCUSDT.BINANCE-1-MINUTE-LAST-EXTERNAL`), keys.join(', '));
    const risk = (await readStream(env.redis, `${prefix}events.risk`)).map((e) => busPayload(e, 'msgpack').payload);
    assert.deepEqual(risk.map((p) => p['state']), ['HALTED']);
    const orderEvents = (await readStream(env.redis, `${prefix}events.order.EMACross-000`)).map((e) => busPayload(e, 'msgpack').payload);
    const denied = orderEvents.filter((p) => p['type'] === 'OrderDenied');
    assert.ok(denied.length >= 3, `EMACross should have tried several orders, got ${denied.length} denied`);
    assert.ok(denied.every((p) => p['reason'] === 'TradingState.HALTED'));
    assert.equal(orderEvents.filter((p) => p['type'] === 'OrderFilled').length, 0);
    assert.equal(keys.some((k) => k.startsWith(`${prefix}events.fills.`)), false);
  });
});
