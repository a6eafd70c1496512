/** The strategies by id: a fresh one per run (strategies keep per-run state). */
import { aasTargetTracking } from './aas-target-tracking';
import { lambdaWarmer } from './lambda-warmer';
import { noWarming } from './none';
import { oracle } from './oracle';
import { scheduledProvisioned } from './scheduled-pc';
import { serverlessPluginWarmup } from './serverless-plugin-warmup';
import { staticProvisioned } from './static-pc';
import { thermostat } from './thermostat';
import { STRATEGY_IDS, type Strategy, type StrategyId } from './types';

const FACTORIES: Record<StrategyId, () => Strategy> = {
  none: noWarming,
  'serverless-plugin-warmup': () => serverlessPluginWarmup(),
  'lambda-warmer': () => lambdaWarmer(),
  'static-pc': staticProvisioned,
  'scheduled-pc': () => scheduledProvisioned(),
  'aas-target-tracking': () => aasTargetTracking(),
  thermostat: () => thermostat(),
  oracle,
};

export function isStrategyId(value: string): value is StrategyId {
  return (STRATEGY_IDS as readonly string[]).includes(value);
}

/** A fresh strategy (strategies keep per-run state, so never share one between runs). */
export function createStrategy(id: StrategyId): Strategy {
  return FACTORIES[id]();
}
