import type { Strategy } from './types';

/** No warming at all: every environment comes from real traffic. */
export function noWarming(): Strategy {
  return {
    id: 'none',
    label: 'No warming',
    summary: 'No pings and no provisioned concurrency; environments exist only because real requests created them.',
    start: () => {},
  };
}
