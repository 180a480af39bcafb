// Bit-level helpers for IEEE doubles and singles held in JS numbers: stepping to the adjacent
// representable value (for the directed rounding modes). They go through one scratch
// buffer per module instance (per worker: a processor runs on one thread), so they allocate
// nothing. The host is little-endian (word 0 of a double is its low half), as for the state
// layout in state.ts.

const d = new Float64Array(1);
const dw = new Int32Array(d.buffer);
const s = new Float32Array(1);
const sw = new Int32Array(s.buffer);

/** Smallest positive normal double, 2^-1022. */
export const DBL_MIN = 2.2250738585072014e-308;
/** Largest finite double. */
export const DBL_MAX = 1.7976931348623157e308;
/** Smallest positive normal single, 2^-126. */
export const FLT_MIN = 1.1754943508222875e-38;
/** Largest finite single. */
export const FLT_MAX = 3.4028234663852886e38;

/** The double next to x (finite, nonzero) away from zero (may be ±Infinity). */
export function nextAway(x: number): number {
  d[0] = x;
  const lo = dw[0];
  if (lo === -1) {
    dw[0] = 0;
    dw[1] = dw[1] + 1;
  } else {
    dw[0] = lo + 1;
  }
  return d[0];
}

/** The double next to x (finite, nonzero) toward zero. */
export function nextTowardZero(x: number): number {
  d[0] = x;
  const lo = dw[0];
  if (lo === 0) {
    dw[0] = -1;
    dw[1] = dw[1] - 1;
  } else {
    dw[0] = lo - 1;
  }
  return d[0];
}

/** The double next to x (finite, nonzero) toward +Infinity. */
export function nextUp(x: number): number {
  return x > 0 ? nextAway(x) : nextTowardZero(x);
}

/** The double next to x (finite, nonzero) toward -Infinity. */
export function nextDown(x: number): number {
  return x > 0 ? nextTowardZero(x) : nextAway(x);
}

/** The single next to x (a nonzero single-precision value) away from zero. */
export function nextAway32(x: number): number {
  s[0] = x;
  sw[0] = sw[0] + 1;
  return s[0];
}

/** The single next to x (a nonzero single-precision value) toward zero. */
export function nextTowardZero32(x: number): number {
  s[0] = x;
  sw[0] = sw[0] - 1;
  return s[0];
}
