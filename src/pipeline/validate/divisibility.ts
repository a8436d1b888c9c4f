/**
 * The WebAssembly kernels' test for "a multiple of 10^k" on a u64 (wasm/bar-scan.ts,
 * wasm/tick-scan.ts): 10^k = 2^k · 5^k, so the low k bits must be zero and the rest a multiple
 * of 5^k, which for an odd divisor d is one multiplication: n · d⁻¹ mod 2^64 ≤ ⌊(2^64 − 1) / d⌋,
 * with d⁻¹ the inverse of d mod 2^64. No division.
 */
const TWO_64 = 1n << 64n;

/** Shift k, the inverse of 5^k mod 2^64 and ⌊(2^64 − 1) / 5^k⌋, the last two as the i64 values the kernels take (the same 64 bits). */
export interface Divisibility {
  readonly shift: number;
  readonly inverse: bigint;
  readonly limit: bigint;
}

const byExcess: Divisibility[] = [];

/** The constants for 10^excess. */
export function divisibilityOf(excess: number): Divisibility {
  let d = byExcess[excess];
  if (d === undefined) {
    const odd = 5n ** BigInt(excess);
    // Newton's iteration doubles the correct low bits of an inverse mod 2^64; x = odd is right to 3 bits.
    let inverse = odd;
    for (let k = 0; k < 5; k++) inverse = (inverse * (2n - odd * inverse)) % TWO_64;
    d = { shift: excess, inverse: BigInt.asIntN(64, inverse), limit: BigInt.asIntN(64, (TWO_64 - 1n) / odd) };
    byExcess[excess] = d;
  }
  return d;
}
