import { choosePingsOrProvisioned } from '../cost';
import type { Architecture } from './observed';

/** What auto mode knows when it chooses between pings and provisioned concurrency for a window. */
export interface AutoInput {
  /** Expected busy share of the environments that would be provisioned (0..1), if known. */
  readonly expectedUtilization: number | undefined;
  readonly memoryMb: number;
  readonly architecture: Architecture;
  /** Environments to keep warm. */
  readonly environments: number;
  readonly intervalMs: number;
  readonly holdMs: number;
}

export interface AutoChoice {
  readonly choice: 'warm' | 'provisioned';
  readonly reason: string;
}

/** Chooses pings or provisioned concurrency for one window. */
export type AutoChooser = (input: AutoInput) => AutoChoice;

/** The default: the cost model's monthly comparison at us-east-1 prices (controller/cost). */
export const costModelChooser: AutoChooser = (input) => choosePingsOrProvisioned(input);
