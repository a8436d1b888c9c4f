/**
 * ⌊value / divisor⌋ of a non-negative integer below 2^53 by an even divisor such as 10^4 or
 * 10^8, with one float division: it may round across an integer, so the remainder decides one
 * correcting step. The product and the remainder are exact: quotient × divisor is even and
 * below 2^54, and every even integer there is a double. (`%` would be an fmod call.)
 */
export function floorDiv(value: number, divisor: number): number {
  const quotient = Math.floor(value / divisor);
  const rest = value - quotient * divisor;
  return rest < 0 ? quotient - 1 : rest >= divisor ? quotient + 1 : quotient;
}
