import type { Strategy } from './types';

/**
 * The clairvoyant lower bound: it knows every future arrival, so each request that would have met no idle
 * environment finds one that a ping created exactly one cold start earlier. It pays that INIT and one 1 ms ping per
 * environment, and cannot beat throttles (scaling rate, concurrency limits).
 */
export function oracle(): Strategy {
  return {
    id: 'oracle',
    label: 'Oracle (knows the future)',
    summary:
      'Pre-initialises an environment just in time for every request that would be cold (one INIT and one 1 ms ping each): no avoidable cold start, at on-demand prices. A floor for cold share, not for cost.',
    needs: { oracle: true },
    start: () => {},
  };
}
