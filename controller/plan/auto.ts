import { choosePingsOrProvisioned, type WarmingChoiceInput } from '../cost';

/**
 * What auto mode knows when it chooses between pings and provisioned concurrency for a window: exactly the cost
 * model's input, so the cost model is the default chooser and any other chooser sees the same facts.
 */
export type AutoInput = WarmingChoiceInput;

export interface AutoChoice {
  readonly choice: 'warm' | 'provisioned';
  readonly reason: string;
}

/** Chooses pings or provisioned concurrency for one window. */
export type AutoChooser = (input: AutoInput) => AutoChoice;

/** The default: the cost model's monthly comparison at us-east-1 prices (controller/cost). */
export const costModelChooser: AutoChooser = (input) => choosePingsOrProvisioned(input);
