import { ControllerMetric } from '../../construct/metrics';
import { METRIC } from '../../controller/report/metrics';

// The construct keeps its own copy of the controller's metric names (it may import only the policy module), so
// this is what holds the two together: a name the dashboard queries but the controller never emits is a blank graph.
describe('controller metric names', () => {
  it('are the same in the construct (dashboard, alarms) and in the controller that emits them', () => {
    for (const [key, name] of Object.entries(METRIC)) expect(ControllerMetric).toHaveProperty(key, name);
    expect(Object.keys(ControllerMetric).filter((key) => !(key in METRIC))).toEqual([]);
  });
});
