import type { Effective } from '../../controller/policy';
import type { Engine } from '../model/engine';
import type { TracePolicies } from '../policies';

export const STRATEGY_IDS = [
  'none',
  'serverless-plugin-warmup',
  'lambda-warmer',
  'static-pc',
  'scheduled-pc',
  'aas-target-tracking',
  'thermostat',
  'oracle',
] as const;
export type StrategyId = (typeof STRATEGY_IDS)[number];

/** What a strategy sees: the Lambda model it acts on and the policies of the trace's functions. */
export interface StrategyContext {
  readonly engine: Engine;
  readonly policies: TracePolicies;
  /** Epoch ms of virtual time 0. */
  readonly epochMs: number;
}

/**
 * A way of keeping functions warm, modelled after a real tool. `start` schedules the strategy's own events on the
 * engine (ticks, pings, provisioned-concurrency changes); the engine then replays the trace around them.
 */
export interface Strategy {
  readonly id: StrategyId;
  readonly label: string;
  /** One sentence on how the real tool behaves and how it is modelled, for the report. */
  readonly summary: string;
  /** Engine features the strategy needs. */
  readonly needs?: { readonly metrics?: boolean; readonly oracle?: boolean };
  start(context: StrategyContext): void;
  /** Facts about the run for the report (e.g. rounds that reached N distinct environments). */
  facts?(): Record<string, number | string>;
}

/** Environments a warmer keeps warm for a function at a moment: the policy's warm.concurrency, 0 when off. */
export function warmTarget(effective: Effective): number {
  return effective.mode === 'off' ? 0 : effective.warm.concurrency;
}

/**
 * The provisioned level a provisioned-concurrency baseline buys for a function: the policy's provisioned.min when
 * it sets one, otherwise its warm.concurrency (the environments it wants warm); 0 when off.
 */
export function provisionedTarget(effective: Effective): number {
  if (effective.mode === 'off') return 0;
  return effective.provisioned.min > 0 ? effective.provisioned.min : effective.warm.concurrency;
}
