/**
 * The spike test's scale, shared by every tier of the detector: a price is a spike when it
 * lies more than K × max(NORMAL_MAD × MAD, floor) from the window's median, with the floor
 * below. The tiers only clear prices the exact test would clear while they use the same
 * constants, so they live here once.
 */
export const NORMAL_MAD = 1.4826;
const MIN_SCALE_RATIO = 1e-4;

/** The scale's floor: the price step, or MIN_SCALE_RATIO of the median's magnitude (or of a lower bound on it) when larger. */
export function scaleFloor(step: number, medianMagnitude: number): number {
  return Math.max(step, MIN_SCALE_RATIO * medianMagnitude);
}
