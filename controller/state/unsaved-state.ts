import type { TargetState } from './store';

/**
 * What a tick knows of a target no item holds yet (see roundSave's first rounds), before its ping ledger entry
 * (ShardPings) or the history the controller's memory keeps (TrafficMemory) is added.
 */
export function unsavedState(key: string): TargetState {
  return { key, history: [], unsaved: true };
}
