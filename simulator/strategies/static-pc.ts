import { provisionedTarget, type Strategy } from './types';

/** Provisioned concurrency set once (as a deploy-time `provisionedConcurrentExecutions` would) and never changed. */
export function staticProvisioned(): Strategy {
  return {
    id: 'static-pc',
    label: 'Static provisioned concurrency',
    summary:
      'A fixed provisioned level per function (provisioned.min, or warm.concurrency when min is 0), already allocated when the trace starts and billed for all of it; spillover runs on-demand.',
    start: ({ engine, policies }) => {
      for (const fn of engine.functions) {
        engine.setProvisioned(fn.index, provisionedTarget(policies.effective(fn.index, engine.startMs)), {
          immediate: true,
        });
      }
    },
  };
}
