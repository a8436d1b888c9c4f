/**
 * Conformance checks on fetch results: rules per data type, actions off/warn/drop/block.
 */
export { checkConformance, checkConformanceFrames, type ConformanceOptions, DEFAULT_MAX_SPREAD_RATIO, DEFAULT_SAMPLE_LIMIT } from './check.js';
export type { ConformanceReport, ConformanceRuleInfo, RuleOutcome } from './engine.js';
export { StreamProof, provable } from './stream-proof.js';
export { CONFORMANCE_RULES, resolveConformanceConfig } from './rules.js';
