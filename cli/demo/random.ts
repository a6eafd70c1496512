import { Random } from '../../simulator/random';

/**
 * The demo's seeded random numbers: the project's one generator (simulator/random.ts), so the demo's traffic is the
 * same on every run and both copies of a function see exactly the same requests.
 */
export function seededRandom(seed: number): () => number {
  const random = new Random(seed);
  return () => random.next();
}
