/** Seed 000 虚拟任务生成规则: amounts are random multiples of 5 yuan; a remainder is its own task. */

export const UNIT_FEN = 500;

export type RandomSource = () => number;

/**
 * Splits `amountFen` into task amounts: each a random multiple of 5 yuan between 5 and `maxFen`,
 * plus one task for the remainder that is not a multiple of 5 yuan. The parts sum exactly to the amount.
 */
export function allocateAmounts(amountFen: number, maxFen: number, random: RandomSource): number[] {
  if (!Number.isSafeInteger(amountFen) || amountFen < 0) throw new Error(`amount must be whole fen, got ${amountFen}`);
  if (maxFen < UNIT_FEN || maxFen % UNIT_FEN !== 0) throw new Error('the upper bound must be a multiple of 5 yuan');
  const maxUnits = maxFen / UNIT_FEN;
  const parts: number[] = [];
  let units = Math.floor(amountFen / UNIT_FEN);
  while (units > 0) {
    const take = 1 + Math.floor(random() * Math.min(maxUnits, units));
    parts.push(take * UNIT_FEN);
    units -= take;
  }
  const remainder = amountFen % UNIT_FEN;
  if (remainder > 0) parts.push(remainder);
  return parts;
}

/** A small seeded PRNG (mulberry32) for reproducible allocations in tests and benchmarks. */
export function seededRandom(seed: number): RandomSource {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
