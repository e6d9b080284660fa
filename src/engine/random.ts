// Seeded pseudo-random numbers for the engine (no Math.random): sfc32 streams keyed by (seed, stream).

/** A source of uniform numbers in [0, 1). */
export type Random = () => number;

/** murmur3's 32-bit finaliser: spreads every input bit over the output. */
function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * A generator whose output depends only on `(seed, stream)`: Monte Carlo run `i` uses stream `i`,
 * so a run draws the same numbers whichever worker or process computes it.
 * `seed` may be any safe integer (its low and high 32 bits are both used); `stream` a 32-bit integer.
 * The generator is sfc32 (Chris Doty-Humphrey's small fast counting generator), which passes
 * PractRand/BigCrush and needs only 32-bit arithmetic.
 */
export function createRandom(seed: number, stream = 0): Random {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 0x100000000) >>> 0;
  let a = mix32(lo ^ 0x9e3779b9);
  let b = mix32(hi ^ a ^ 0x7f4a7c15);
  let c = mix32((stream >>> 0) ^ b ^ 0x85ebca6b);
  let d = mix32(c ^ 0xc2b2ae35);
  const next = (): number => {
    // d is sfc32's counter.
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 0x100000000;
  };
  // The first outputs of a freshly keyed sfc32 are still correlated with the key: skip them.
  for (let i = 0; i < 12; i++) next();
  return next;
}

/** A distribution of scenario-model §6, as written in a scenario. */
export type DistributionSpec =
  | { uniform: readonly [number, number] }
  | { triangular: readonly [number, number, number] }
  | { normal: readonly [number, number] }
  | { choice: readonly number[] };

/** True for `{uniform|triangular|normal|choice: [...]}` objects. */
export function isDistribution(value: unknown): value is DistributionSpec {
  if (value === null || typeof value !== 'object') return false;
  return 'uniform' in value || 'triangular' in value || 'normal' in value || 'choice' in value;
}

/**
 * One draw. Every distribution consumes a fixed number of uniforms (normal: two, others: one)
 * so that the draws of later fields do not depend on the values drawn before them.
 */
export function sample(distribution: DistributionSpec, random: Random): number {
  if ('uniform' in distribution) {
    const [a, b] = distribution.uniform;
    return a + (b - a) * random();
  }
  if ('triangular' in distribution) {
    const [min, mode, max] = distribution.triangular;
    const u = random();
    if (max === min) return min;
    const split = (mode - min) / (max - min);
    // Inverse of the triangular CDF.
    return u < split ? min + Math.sqrt(u * (max - min) * (mode - min)) : max - Math.sqrt((1 - u) * (max - min) * (max - mode));
  }
  if ('normal' in distribution) {
    const [mean, sd] = distribution.normal;
    // Box–Muller; 1 - u keeps the logarithm away from 0.
    const u1 = 1 - random();
    const u2 = random();
    return mean + sd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
  const values = distribution.choice;
  return values[Math.min(values.length - 1, Math.floor(random() * values.length))];
}

/**
 * The value a deterministic simulation uses for an uncertain number: the distribution's mean
 * (uniform midpoint, (min+mode+max)/3, normal mean, mean of the choices).
 */
export function meanOf(distribution: DistributionSpec): number {
  if ('uniform' in distribution) return (distribution.uniform[0] + distribution.uniform[1]) / 2;
  if ('triangular' in distribution) {
    const [min, mode, max] = distribution.triangular;
    return (min + mode + max) / 3;
  }
  if ('normal' in distribution) return distribution.normal[0];
  let sum = 0;
  for (const value of distribution.choice) sum += value;
  return sum / distribution.choice.length;
}
