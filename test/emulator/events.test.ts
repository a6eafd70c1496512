import { EventBridgeServiceException, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { Emulator } from '../../emulator';
import { clients, testEmulator } from './helpers';

describe('EventBridge PutEvents', () => {
  let emulator: Emulator;
  let events: ReturnType<typeof clients>['events'];

  beforeAll(async () => {
    emulator = await testEmulator();
    events = clients(emulator).events;
  });
  afterAll(() => emulator.stop());

  it('accepts valid entries, reports invalid ones per entry, and keeps what it accepted', async () => {
    const out = await events.send(
      new PutEventsCommand({
        Entries: [
          {
            Source: 'thermostat',
            DetailType: 'WarmRunCompleted',
            Detail: JSON.stringify({ proven: 5 }),
            EventBusName: 'ops',
          },
          { Source: 'thermostat', DetailType: 'Broken', Detail: 'not json' },
          { Source: 'thermostat', Detail: '{}' },
          {
            Source: 'thermostat',
            DetailType: 'Second',
            Detail: '{"n":2}',
            Resources: ['arn:aws:lambda:us-east-1:123456789012:function:f'],
          },
        ],
      }),
    );
    expect(out.FailedEntryCount).toBe(2);
    expect(out.Entries?.[0]?.EventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(out.Entries?.[1]).toMatchObject({ ErrorCode: 'MalformedDetail' });
    expect(out.Entries?.[2]).toMatchObject({ ErrorCode: 'InvalidArgument' });
    expect(out.Entries?.[3]?.EventId).toBeDefined();
    const received = emulator.events();
    expect(received.map((e) => [e.eventBusName, e.detailType, e.detail])).toEqual([
      ['ops', 'WarmRunCompleted', { proven: 5 }],
      ['default', 'Second', { n: 2 }],
    ]);
    expect(received[1]?.resources).toEqual(['arn:aws:lambda:us-east-1:123456789012:function:f']);
    expect(emulator.inspect().eventsReceived).toBe(2);
  });

  it('rejects more than 10 entries with a ValidationException', async () => {
    const entries = Array.from({ length: 11 }, () => ({ Source: 's', DetailType: 't', Detail: '{}' }));
    const error = await events.send(new PutEventsCommand({ Entries: entries })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EventBridgeServiceException);
    expect((error as EventBridgeServiceException).name).toBe('ValidationException');
    expect((error as EventBridgeServiceException).$metadata.httpStatusCode).toBe(400);
  });
});
