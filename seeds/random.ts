/**
 * A small, fast, seeded pseudo-random number generator for the demonstration
 * data: sfc32 (Chris Doty-Humphrey's Small Fast Counting generator, 32-bit),
 * seeded through splitmix32 so that nearby seeds give unrelated streams.
 * Deterministic across platforms: only 32-bit integer arithmetic.
 */

/** splitmix32 step: a well-mixed 32-bit value from a 32-bit state. */
export function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** A 32-bit seed derived from several integers (e.g. the user's seed and a stream number). */
export function hashSeed(...parts: number[]): number {
  let h = 0x2545f491;
  for (const p of parts) h = mix32(h ^ mix32(p | 0) ^ Math.floor(p / 0x100000000));
  return h;
}

export class Rng {
  /** sfc32 state a, b, c, d (a typed array keeps the words unboxed). */
  private readonly s = new Int32Array(4);

  constructor(seed: number) {
    const s = this.s;
    s[0] = mix32(seed);
    s[1] = mix32(s[0]! ^ 0x1b873593);
    s[2] = mix32(s[1]! ^ 0xcc9e2d51);
    s[3] = 1;
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** Uniform 32-bit unsigned integer. */
  u32(): number {
    const s = this.s;
    const a = s[0]!;
    const b = s[1]!;
    const c = s[2]!;
    const d = s[3]!;
    const t = (((a + b) | 0) + d) | 0;
    s[3] = d + 1;
    s[0] = b ^ (b >>> 9);
    s[1] = c + (c << 3);
    s[2] = ((c << 21) | (c >>> 11)) + t;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A uniformly chosen element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Standard normal deviate (Box–Muller, one value per call). */
  normal(): number {
    let u = this.next();
    if (u < 1e-12) u = 1e-12;
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** exp(N(mu, sigma)). */
  logNormal(mu: number, sigma: number): number {
    return Math.exp(mu + sigma * this.normal());
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const t = items[i]!;
      items[i] = items[j]!;
      items[j] = t;
    }
    return items;
  }
}

/**
 * Weighted choice by cumulative weights, O(log n) per draw. Build once, draw
 * many times.
 */
export class WeightedTable<T> {
  private readonly cumulative: Float64Array;
  readonly items: readonly T[];
  readonly total: number;

  constructor(items: readonly T[], weights: readonly number[]) {
    if (items.length === 0 || items.length !== weights.length) {
      throw new Error("WeightedTable needs as many positive weights as items, and at least one item");
    }
    this.items = items;
    this.cumulative = new Float64Array(items.length);
    let sum = 0;
    for (let i = 0; i < weights.length; i++) {
      const w = weights[i]!;
      sum += w > 0 && Number.isFinite(w) ? w : 0;
      this.cumulative[i] = sum;
    }
    if (sum <= 0) throw new Error("WeightedTable needs a positive total weight");
    this.total = sum;
  }

  draw(rng: Rng): T {
    const x = rng.next() * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cumulative[mid]! > x) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo]!;
  }
}

/** Weighted choice among a few options given as [value, weight] pairs (linear scan). */
export function weighted<T>(rng: Rng, options: readonly (readonly [T, number])[]): T {
  let total = 0;
  for (const [, w] of options) total += w;
  let x = rng.next() * total;
  for (const [v, w] of options) {
    x -= w;
    if (x < 0) return v;
  }
  return options[options.length - 1]![0];
}
