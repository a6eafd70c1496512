/**
 * Where the controller's environment lives and how large it may be; the variable names are the contract's
 * (controller/contract/environment.ts).
 */
/** Where Lambda unpacks the asset. */
export const LAMBDA_TASK_ROOT = '/var/task';

/** Lambda's limit on the total size of a function's environment variables. */
export const ENVIRONMENT_LIMIT_BYTES = 4096;
