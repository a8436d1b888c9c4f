/** SlaTracker with a fake clock: budgets, cumulative phases, policies, metrics. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeamlessError } from '../../src/seamless/errors.js';
import { SeamlessMetrics } from '../../src/seamless/metrics.js';
import type { SlaPolicy } from '../../src/seamless/provider-config.js';
import { SlaTracker } from '../../src/seamless/sla.js';

function fakeClock() {
  const clock = { t: 1000, now: () => clock.t };
  return clock;
}

/** A phase body that takes `ms` of fake time. */
function takes<T>(clock: { t: number }, ms: number, value: T) {
  return async () => {
    clock.t += ms;
    return value;
  };
}

function tracker(policy: SlaPolicy | undefined) {
  const clock = fakeClock();
  const metrics = new SeamlessMetrics();
  return { clock, metrics, sla: new SlaTracker(policy, metrics, { now: clock.now }) };
}

function slaError(phase: string, elapsed: number, budget: number) {
  return (error: unknown) => {
    assert.ok(error instanceof SeamlessError, String(error));
    assert.equal(error.code, 'SEAMLESS_SLA_EXCEEDED');
    assert.ok(error.message.includes(`phase '${phase}'`), error.message);
    assert.ok(error.message.includes(`${elapsed} ms > ${budget} ms`), error.message);
    assert.equal(error.details.phase, phase);
    return true;
  };
}

describe('SlaTracker', () => {
  it('records no violation under budget and returns the phase result', async () => {
    const { clock, sla, metrics } = tracker({ budgetsMs: { storage: 500, total: 1000 }, onViolation: 'fail' });
    assert.equal(await sla.measure('storage', takes(clock, 400, 'rows')), 'rows');
    const report = sla.finish();
    assert.deepEqual(report.violations, []);
    assert.equal(report.downgrade, undefined);
    assert.equal(report.totalMs, 400);
    assert.equal(report.phasesMs.storage, 400);
    const text = await metrics.text();
    assert.ok(text.includes('seamless_phase_duration_seconds_count{phase="storage"} 1'));
    assert.ok(text.includes('seamless_phase_duration_seconds_count{phase="total"} 1'));
    assert.ok(!text.includes('seamless_sla_violations_total{'));
  });

  it('fail policy throws with the phase and code right after the phase completes', async () => {
    const { clock, sla, metrics } = tracker({ budgetsMs: { storage: 500 }, onViolation: 'fail' });
    await assert.rejects(sla.measure('storage', takes(clock, 812, 'rows')), slaError('storage', 812, 500));
    assert.deepEqual(sla.violations(), [{ phase: 'storage', elapsedMs: 812, budgetMs: 500 }]);
    assert.equal(sla.downgrade(), undefined);
    assert.ok((await metrics.text()).includes('seamless_sla_violations_total{phase="storage",policy="fail"} 1'));
  });

  it('a failing phase keeps its own error but still records the violation', async () => {
    const { clock, sla } = tracker({ budgetsMs: { backfill: 100 }, onViolation: 'fail' });
    const boom = new Error('venue down');
    await assert.rejects(
      sla.measure('backfill', async () => {
        clock.t += 200;
        throw boom;
      }),
      (error) => error === boom,
    );
    assert.equal(sla.violations()[0]?.phase, 'backfill');
  });

  for (const mode of ['partial', 'hold'] as const) {
    it(`${mode} policy keeps going and returns a downgrade`, async () => {
      const { clock, sla } = tracker({ budgetsMs: { backfill: 100 }, onViolation: mode });
      assert.equal(await sla.measure('backfill', takes(clock, 250, 7)), 7);
      assert.equal(await sla.measure('live', takes(clock, 10, 8)), 8);
      const expected = { mode, reason: 'sla_violation', violations: [{ phase: 'backfill', elapsedMs: 250, budgetMs: 100 }] };
      assert.deepEqual(sla.downgrade(), expected);
      assert.deepEqual(sla.finish().downgrade, expected);
    });
  }

  it('applies phase budgets to the cumulative time of the phase', async () => {
    const { clock, sla, metrics } = tracker({ budgetsMs: { storage: 500 }, onViolation: 'fail' });
    await sla.measure('storage', takes(clock, 300, 1));
    await sla.measure('backfill', takes(clock, 5000, 2)); // no backfill budget
    await assert.rejects(sla.measure('storage', takes(clock, 300, 3)), slaError('storage', 600, 500));
    const text = await metrics.text();
    assert.ok(text.includes('seamless_phase_duration_seconds_count{phase="storage"} 2'));
  });

  it('counts overlapping calls of one phase as wall-clock time once', async () => {
    const { clock, sla } = tracker({ budgetsMs: { backfill: 500 }, onViolation: 'partial' });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const a = sla.measure('backfill', async () => {
      await gate;
      return 'a';
    });
    const b = sla.measure('backfill', async () => {
      await gate;
      return 'b';
    });
    clock.t += 400;
    release();
    assert.deepEqual(await Promise.all([a, b]), ['a', 'b']);
    assert.equal(sla.downgrade(), undefined);
    assert.equal(sla.finish().phasesMs.backfill, 400);
  });

  it('updates a violation as the phase keeps running but counts it once', async () => {
    const { clock, sla, metrics } = tracker({ budgetsMs: { live: 100 }, onViolation: 'hold' });
    await sla.measure('live', takes(clock, 150, 0));
    await sla.measure('live', takes(clock, 50, 0));
    assert.deepEqual(sla.violations(), [{ phase: 'live', elapsedMs: 200, budgetMs: 100 }]);
    assert.ok((await metrics.text()).includes('seamless_sla_violations_total{phase="live",policy="hold"} 1'));
  });

  it('measures total at finish and throws under fail, every time it is called', async () => {
    const { clock, sla } = tracker({ budgetsMs: { total: 1000 }, onViolation: 'fail' });
    await sla.measure('storage', takes(clock, 600, 0));
    clock.t += 700; // time outside any phase still counts toward total
    assert.throws(() => sla.finish(), slaError('total', 1300, 1000));
    assert.throws(() => sla.finish(), slaError('total', 1300, 1000));
  });

  it('total violation under partial is a downgrade, not an error', async () => {
    const { clock, sla } = tracker({ budgetsMs: { total: 10 }, onViolation: 'partial' });
    clock.t += 11;
    assert.deepEqual(sla.finish().downgrade?.violations, [{ phase: 'total', elapsedMs: 11, budgetMs: 10 }]);
  });

  it('remainingMs takes the smaller of the phase and total budgets, never below 0', async () => {
    const { clock, sla } = tracker({ budgetsMs: { storage: 500, total: 800 }, onViolation: 'partial' });
    assert.equal(sla.remainingMs('storage'), 500);
    assert.equal(sla.remainingMs('backfill'), 800);
    await sla.measure('storage', takes(clock, 200, 0));
    assert.equal(sla.remainingMs('storage'), 300);
    clock.t += 450;
    assert.equal(sla.remainingMs('storage'), 150);
    assert.equal(sla.remainingMs('total'), 150);
    clock.t += 1000;
    assert.equal(sla.remainingMs('live'), 0);
    assert.ok(sla.deadlineSignal('live') instanceof AbortSignal);
  });

  it('without a policy nothing is limited, but phases are still observed', async () => {
    const { clock, sla, metrics } = tracker(undefined);
    await sla.measure('storage', takes(clock, 1e6, 0));
    assert.equal(sla.remainingMs('storage'), undefined);
    assert.equal(sla.deadlineSignal('total'), undefined);
    assert.equal(sla.finish().downgrade, undefined);
    assert.ok((await metrics.text()).includes('seamless_phase_duration_seconds_count{phase="storage"} 1'));
  });
});
