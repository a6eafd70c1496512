import { AwsError } from './errors';
import { isRecord, parseJsonBody } from './http/json-body';
import { type HttpRequest, type HttpResponse, json } from './http/server';

/**
 * EventBridge Scheduler's schedule API (restJson1: `/schedules/{Name}`): create, read and update, with AWS's rule
 * that an update replaces the whole definition (anything not sent goes back to its default). Enough for the
 * controller to pause its own schedule; the emulator does not fire schedules itself (the demo ticks the controller).
 */
export interface ScheduleDefinition {
  readonly Name: string;
  readonly GroupName: string;
  readonly Arn: string;
  readonly ScheduleExpression: string;
  readonly ScheduleExpressionTimezone?: string;
  /** Epoch seconds, as the protocol carries timestamps. */
  readonly StartDate?: number;
  readonly EndDate?: number;
  readonly Description?: string;
  readonly State: 'ENABLED' | 'DISABLED';
  readonly FlexibleTimeWindow: { readonly Mode: string; readonly MaximumWindowInMinutes?: number };
  readonly Target: Readonly<Record<string, unknown>> & { readonly Arn: string; readonly RoleArn: string };
  readonly ActionAfterCompletion?: string;
  readonly KmsKeyArn?: string;
  readonly CreationDate: number;
  readonly LastModificationDate: number;
  /** How many updates it has had (for tests and the inspection API). */
  readonly updates: number;
}

const PREFIX = '/schedules/';

const validation = (message: string) => new AwsError('ValidationException', message, 400);

export class Schedules {
  private readonly byKey = new Map<string, ScheduleDefinition>();

  constructor(
    private readonly now: () => number,
    private readonly region: string,
    private readonly accountId: string,
  ) {}

  /** Whether a request is for this service. */
  static handles(request: Pick<HttpRequest, 'path'>): boolean {
    return request.path.startsWith(PREFIX);
  }

  list(): ScheduleDefinition[] {
    return [...this.byKey.values()];
  }

  get(name: string, group = 'default'): ScheduleDefinition | undefined {
    return this.byKey.get(`${group}/${name}`);
  }

  handle(request: HttpRequest): HttpResponse {
    const name = decodeURIComponent(request.path.slice(PREFIX.length));
    if (name === '' || name.includes('/')) throw validation(`invalid schedule name ${JSON.stringify(name)}`);
    if (request.method === 'GET') {
      const group = request.query.get('groupName') ?? 'default';
      const found = this.get(name, group);
      if (!found) throw new AwsError('ResourceNotFoundException', `Schedule ${name} does not exist.`, 404);
      const { updates: _updates, ...definition } = found;
      return json(200, definition);
    }
    if (request.method === 'POST' || request.method === 'PUT') {
      const input = parseJsonBody(request.body);
      if (!isRecord(input)) throw validation('the request body must be a JSON object');
      return json(200, { ScheduleArn: this.write(name, input, request.method === 'POST').Arn });
    }
    throw new AwsError('UnknownOperationException', `The emulator does not implement ${request.method} ${PREFIX}`, 400);
  }

  private write(name: string, input: Record<string, unknown>, create: boolean): ScheduleDefinition {
    const group = typeof input.GroupName === 'string' ? input.GroupName : 'default';
    const key = `${group}/${name}`;
    const existing = this.byKey.get(key);
    if (create && existing) throw new AwsError('ConflictException', `Schedule ${name} already exists.`, 409);
    if (!create && !existing) throw new AwsError('ResourceNotFoundException', `Schedule ${name} does not exist.`, 404);
    const expression = input.ScheduleExpression;
    if (typeof expression !== 'string' || !/^(rate|cron|at)\(.+\)$/.test(expression)) {
      throw validation(`Invalid Schedule Expression ${JSON.stringify(expression)}.`);
    }
    const window = input.FlexibleTimeWindow;
    if (!isRecord(window) || (window.Mode !== 'OFF' && window.Mode !== 'FLEXIBLE')) {
      throw validation('FlexibleTimeWindow.Mode must be OFF or FLEXIBLE');
    }
    const target = input.Target;
    if (!isRecord(target) || typeof target.Arn !== 'string' || typeof target.RoleArn !== 'string') {
      throw validation('Target.Arn and Target.RoleArn are required');
    }
    const date = (field: string): number | undefined => {
      const value = input[field];
      if (value === undefined || value === null) return undefined;
      if (typeof value !== 'number' || !Number.isFinite(value)) throw validation(`${field} must be a timestamp`);
      return value;
    };
    const text = (field: string): string | undefined =>
      typeof input[field] === 'string' ? (input[field] as string) : undefined;
    const start = date('StartDate');
    const end = date('EndDate');
    if (start !== undefined && end !== undefined && end <= start) {
      throw validation('The EndDate must be after the StartDate.');
    }
    const seconds = Math.floor(this.now() / 1000);
    const state = text('State') ?? 'ENABLED';
    if (state !== 'ENABLED' && state !== 'DISABLED') throw validation(`invalid State ${JSON.stringify(state)}`);
    // An update replaces the definition: what is not sent goes back to its default, as in AWS.
    const definition: ScheduleDefinition = {
      Name: name,
      GroupName: group,
      Arn: `arn:aws:scheduler:${this.region}:${this.accountId}:schedule/${group}/${name}`,
      ScheduleExpression: expression,
      ...(text('ScheduleExpressionTimezone') ? { ScheduleExpressionTimezone: text('ScheduleExpressionTimezone') } : {}),
      ...(start !== undefined ? { StartDate: start } : {}),
      ...(end !== undefined ? { EndDate: end } : {}),
      ...(text('Description') ? { Description: text('Description') } : {}),
      State: state,
      FlexibleTimeWindow: {
        Mode: String(window.Mode),
        ...(typeof window.MaximumWindowInMinutes === 'number'
          ? { MaximumWindowInMinutes: window.MaximumWindowInMinutes }
          : {}),
      },
      Target: target as ScheduleDefinition['Target'],
      ...(text('ActionAfterCompletion') ? { ActionAfterCompletion: text('ActionAfterCompletion') } : {}),
      ...(text('KmsKeyArn') ? { KmsKeyArn: text('KmsKeyArn') } : {}),
      CreationDate: existing?.CreationDate ?? seconds,
      LastModificationDate: seconds,
      updates: existing ? existing.updates + 1 : 0,
    };
    this.byKey.set(key, definition);
    return definition;
  }
}
