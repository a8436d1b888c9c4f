/**
 * Loaded before every test file (scripts/run-tests.mjs passes it with --import): gives every
 * fast-check property one base seed, so a CI run is repeatable and a red run can be replayed.
 * The runner checks FC_SEED once and sets it (its default, a number the user gave, or one it
 * drew for `FC_SEED=random`, printed so the run can be replayed); a file run by hand without
 * it keeps fast-check's own random seed.
 */
import fc from 'fast-check';

const text = process.env['FC_SEED'];
if (text !== undefined && text !== '') {
  const seed = Number(text);
  if (!Number.isSafeInteger(seed)) throw new Error(`FC_SEED must be an integer or "random", not "${text}"`);
  fc.configureGlobal({ seed });
}
