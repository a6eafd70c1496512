import * as planner from '../../../controller/plan';
import { thermostat } from '../../../simulator/strategies/thermostat';
import { HOUR, MIN, oneFunction, run } from '../helpers';

// Wrap the real planner module's export (behaviour unchanged) to see that the default strategy goes through it.
jest.mock('../../../controller/plan', () => {
  const actual = jest.requireActual('../../../controller/plan');
  return { ...actual, plan: jest.fn(actual.plan) };
});

it('drives the planner module’s own plan() export by default', () => {
  const [result] = run(oneFunction([MIN, 30 * MIN], 100, HOUR), [thermostat()]);
  const calls = (planner.plan as jest.Mock).mock.calls;
  // the controller pauses its schedule after each round that proved its environment, until the next is due
  expect(calls.map(([, at]) => (at as Date).getUTCMinutes())).toEqual(Array.from({ length: 12 }, (_, i) => 5 * i));
  const [policies, now, observed] = calls[0];
  expect(policies).toHaveLength(1);
  expect(policies[0]).toMatchObject({ function: 'f', qualifier: 'live', mode: 'warm' });
  expect(now).toEqual(new Date(Date.UTC(2024, 0, 1)));
  expect(observed.targets['f:live']).toMatchObject({ memoryMb: 1024, provisioned: null });
  expect(result.pings.sent).toBe(12);
});
