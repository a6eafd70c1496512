/** How long a tick claim is kept (it only has to outlive any duplicate delivery of the same tick). */
export const TICK_CLAIM_TTL_SECONDS = 3 * 24 * 3600;

/** Ping results kept per target. */
export const HISTORY_LENGTH = 12;
