/** The model layer: fixed-point values, enums, identifiers, time, frames and their row format. */
export * from './errors.js';
export * from './fixed-point.js';
export * from './enums.js';
export * from './identifiers.js';
export * from './time.js';
export * from './bar-step.js';
export * from './values.js';
export * from './frames.js';
export * from './fixed-to-float.js';
export * from './frame-rows.js';
export * from './seeded-random.js';
