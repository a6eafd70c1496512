import { provisionedTarget, type Strategy } from './types';

/**
 * Application Auto Scaling scheduled actions following the policy's windows: at each window edge the provisioned
 * level changes to the window's, and an increase becomes usable only after its allocation (1–2 minutes).
 */
export function scheduledProvisioned(options: { leadMs?: number } = {}): Strategy {
  const lead = options.leadMs ?? 0;
  return {
    id: 'scheduled-pc',
    label: 'Scheduled provisioned concurrency',
    summary: `Provisioned level per policy window (provisioned.min, or warm.concurrency when min is 0), changed by scheduled actions at each window edge${lead > 0 ? ` ${lead / 1000} s early` : ''}; increases wait for allocation.`,
    start: ({ engine, policies }) => {
      const schedule = (fn: number, t: number) => {
        const edge = policies.nextChange(fn, t);
        if (!Number.isFinite(edge) || edge >= engine.endMs) return;
        engine.at(Math.max(t, edge - lead), () => {
          engine.setProvisioned(fn, provisionedTarget(policies.effective(fn, edge)));
          schedule(fn, edge);
        });
      };
      for (const fn of engine.functions) {
        engine.setProvisioned(fn.index, provisionedTarget(policies.effective(fn.index, engine.startMs)), {
          immediate: true,
        });
        schedule(fn.index, engine.startMs);
      }
    },
  };
}
