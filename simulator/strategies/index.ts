export { createStrategy, isStrategyId } from './registry';
export { STRATEGY_IDS, type Strategy, type StrategyContext, type StrategyId } from './types';
