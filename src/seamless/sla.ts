/**
 * Per-request SLA tracking: times the phases of one request against the budgets of an
 * `SlaPolicy` and applies its violation policy.
 *
 * Budgets for storage, backfill and live apply to the CUMULATIVE time a phase was active
 * within the request, not to each call: qmtl checked every call on its own, so ten 400 ms
 * storage reads passed a 500 ms budget. Overlapping calls of one phase (parallel backfill
 * chunks) count wall-clock time once, so concurrency is not mistaken for slowness.
 * The `total` budget applies to the time from construction to `finish()`.
 *
 * Under `fail` the first exceeded budget throws SEAMLESS_SLA_EXCEEDED as soon as the phase
 * call completes (for `total`, at `finish()`). Under `partial` and `hold` the request goes
 * on and `downgrade()` says how its result must be marked.
 */
import { SeamlessError } from './errors.js';
import type { SeamlessMetrics } from './metrics.js';
import type { SlaPhase, SlaPolicy, SlaViolationPolicy } from './provider-config.js';

/** The phases `measure` times; `total` is measured by `finish`. */
export type MeasuredPhase = Exclude<SlaPhase, 'total'>;

export interface SlaViolation {
  readonly phase: SlaPhase;
  /** Cumulative time of the phase when the violation was last seen. */
  readonly elapsedMs: number;
  readonly budgetMs: number;
}

export interface SlaDowngrade {
  readonly mode: 'partial' | 'hold';
  readonly reason: 'sla_violation';
  readonly violations: readonly SlaViolation[];
}

export interface SlaReport {
  readonly totalMs: number;
  /** Cumulative wall-clock time per measured phase. */
  readonly phasesMs: Readonly<Partial<Record<SlaPhase, number>>>;
  readonly violations: readonly SlaViolation[];
  readonly downgrade: SlaDowngrade | undefined;
}

export interface SlaTrackerOptions {
  /** Milliseconds clock; defaults to `performance.now()`. Tests inject a fake one. */
  readonly now?: () => number;
}

interface PhaseClock {
  accumulatedMs: number;
  active: number;
  activeSince: number;
}

export class SlaTracker {
  private readonly now: () => number;
  private readonly startedAt: number;
  private readonly phases = new Map<MeasuredPhase, PhaseClock>();
  /** One entry per phase; updated as the phase keeps running over budget. */
  private readonly violationsByPhase = new Map<SlaPhase, SlaViolation>();
  private report: SlaReport | undefined;
  private finishError: SeamlessError | undefined;

  constructor(
    private readonly policy: SlaPolicy | undefined,
    private readonly metrics: SeamlessMetrics,
    options: SlaTrackerOptions = {},
  ) {
    this.now = options.now ?? (() => performance.now());
    this.startedAt = this.now();
    for (const [phase, budget] of Object.entries(policy?.budgetsMs ?? {})) {
      if (budget !== undefined && !(budget >= 0)) throw new RangeError(`SLA budget for phase '${phase}' must be a number of ms >= 0, was ${budget}`);
    }
  }

  /**
   * Runs `fn` as part of `phase`, adding its time to the phase's total. Throws
   * SEAMLESS_SLA_EXCEEDED after `fn` resolves when the cumulative time exceeds the budget
   * under the `fail` policy; errors of `fn` itself pass through unchanged.
   */
  async measure<T>(phase: MeasuredPhase, fn: () => Promise<T>): Promise<T> {
    const clock = this.clockOf(phase);
    const started = this.now();
    if (clock.active++ === 0) clock.activeSince = started;
    let result: T;
    try {
      result = await fn();
    } catch (error) {
      // The violation is still recorded, but the phase's own error wins.
      this.stop(phase, clock, started);
      throw error;
    }
    const violation = this.stop(phase, clock, started);
    const error = violation && this.failure(violation);
    if (error) throw error;
    return result;
  }

  /**
   * Ends the request: measures `total`, observes it, and returns the report. Under `fail`
   * throws when `total` exceeded its budget. Later calls return (or throw) the same.
   */
  finish(): SlaReport {
    if (this.finishError) throw this.finishError;
    if (this.report) return this.report;
    const totalMs = this.now() - this.startedAt;
    this.metrics.observePhase('total', Math.max(0, totalMs) / 1000);
    const violation = this.check('total', totalMs);
    const phasesMs: Partial<Record<SlaPhase, number>> = {};
    for (const phase of this.phases.keys()) phasesMs[phase] = this.phaseMs(phase);
    this.report = { totalMs, phasesMs, violations: this.violations(), downgrade: this.downgrade() };
    this.finishError = violation && this.failure(violation);
    if (this.finishError) throw this.finishError;
    return this.report;
  }

  /** Violations so far, in the order they first happened. */
  violations(): SlaViolation[] {
    return [...this.violationsByPhase.values()];
  }

  /** How the result must be marked under `partial`/`hold` after a violation; else undefined. */
  downgrade(): SlaDowngrade | undefined {
    const mode = this.policy?.onViolation;
    if (this.violationsByPhase.size === 0 || (mode !== 'partial' && mode !== 'hold')) return undefined;
    return { mode, reason: 'sla_violation', violations: this.violations() };
  }

  /**
   * Milliseconds left for `phase` (never below 0): the smaller of its own budget and the
   * `total` budget. Undefined when neither is set. Pass to `AbortSignal.timeout` for deadlines.
   */
  remainingMs(phase: SlaPhase): number | undefined {
    const budgets = this.policy?.budgetsMs ?? {};
    const totalLeft = budgets.total === undefined ? undefined : budgets.total - (this.now() - this.startedAt);
    const phaseBudget = budgets[phase];
    const phaseLeft = phase === 'total' || phaseBudget === undefined ? undefined : phaseBudget - this.phaseMs(phase);
    const left = totalLeft === undefined ? phaseLeft : phaseLeft === undefined ? totalLeft : Math.min(totalLeft, phaseLeft);
    return left === undefined ? undefined : Math.max(0, left);
  }

  /** An AbortSignal that fires when `phase` runs out of budget, or undefined when unlimited. */
  deadlineSignal(phase: SlaPhase): AbortSignal | undefined {
    const left = this.remainingMs(phase);
    return left === undefined ? undefined : AbortSignal.timeout(Math.ceil(left));
  }

  /** Cumulative wall-clock time of a phase, including calls still running. */
  private phaseMs(phase: MeasuredPhase): number {
    const clock = this.phases.get(phase);
    if (!clock) return 0;
    return clock.accumulatedMs + (clock.active > 0 ? this.now() - clock.activeSince : 0);
  }

  /** Ends one call of a phase: accumulates, observes, and checks the budget. */
  private stop(phase: MeasuredPhase, clock: PhaseClock, started: number): SlaViolation | undefined {
    const ended = this.now();
    if (--clock.active === 0) clock.accumulatedMs += ended - clock.activeSince;
    this.metrics.observePhase(phase, Math.max(0, ended - started) / 1000);
    return this.check(phase, this.phaseMs(phase));
  }

  private clockOf(phase: MeasuredPhase): PhaseClock {
    let clock = this.phases.get(phase);
    if (!clock) {
      clock = { accumulatedMs: 0, active: 0, activeSince: 0 };
      this.phases.set(phase, clock);
    }
    return clock;
  }

  /** Records (or updates) the phase's violation; counts each phase once per request. */
  private check(phase: SlaPhase, elapsedMs: number): SlaViolation | undefined {
    const budgetMs = this.policy?.budgetsMs[phase];
    if (budgetMs === undefined || elapsedMs <= budgetMs) return undefined;
    const violation: SlaViolation = { phase, elapsedMs, budgetMs };
    if (!this.violationsByPhase.has(phase)) this.metrics.slaViolation(phase, this.policy!.onViolation);
    this.violationsByPhase.set(phase, violation);
    return violation;
  }

  /** The error to throw for a violation under `fail`; undefined under the other policies. */
  private failure(violation: SlaViolation): SeamlessError | undefined {
    const policy: SlaViolationPolicy | undefined = this.policy?.onViolation;
    if (policy !== 'fail') return undefined;
    const { phase, elapsedMs, budgetMs } = violation;
    const scope = phase === 'total' ? 'for the whole request' : 'cumulative over the request';
    return new SeamlessError(
      'SEAMLESS_SLA_EXCEEDED',
      `SLA budget for phase '${phase}' exceeded: ${Math.round(elapsedMs)} ms > ${budgetMs} ms (${scope}); raise sla.budgetsMs.${phase} or set sla.onViolation to 'partial' or 'hold' to return a marked result instead`,
      { phase, elapsedMs, budgetMs, policy },
    );
  }
}
