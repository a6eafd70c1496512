/** Bad command line (unknown option, missing argument): exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Bad input or a failed run, already explained to the user: exit code 1. */
export class InputError extends Error {
  override readonly name = 'InputError';
}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
