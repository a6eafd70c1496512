import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ThermostatDefaults } from '../../construct';
import {
  endMarker,
  GENERATED,
  propRows,
  propsTables,
  readInterfaces,
  startMarker,
  UndocumentedPropError,
  withGenerated,
} from '../../scripts/write-docs';

const root = join(__dirname, '..', '..');

describe('generated tables of the docs', () => {
  it.each(GENERATED.map((block) => [block.file, block]))(
    '%s is up to date (run `npm run schema` when this fails)',
    (file, block) => {
      const text = readFileSync(join(root, file), 'utf8');
      expect(text).toContain(startMarker(block.marker));
      expect(withGenerated(text, block.marker, block.text())).toBe(text);
    },
  );

  it('replaces only the text between the markers', () => {
    const doc = `# Title\n${startMarker('x')}\nold table\n${endMarker('x')}\nafter\n`;
    expect(withGenerated(doc, 'x', '| new |\n')).toBe(
      `# Title\n${startMarker('x')}\n| new |\n${endMarker('x')}\nafter\n`,
    );
    expect(withGenerated('# no markers\n', 'x', '')).toBeUndefined();
  });
});

describe('construct props tables', () => {
  const interfaces = readInterfaces();
  const props = (name: string) => new Map(interfaces.find((doc) => doc.name === name)!.props.map((p) => [p.name, p]));

  it('documents the props of Thermostat, its targets and tag discovery', () => {
    expect(interfaces.map((doc) => doc.name)).toEqual(['ThermostatProps', 'ThermostatTarget', 'TagDiscoveryProps']);
    expect([...props('ThermostatProps').keys()]).toEqual(
      expect.arrayContaining(['targets', 'discoverByTag', 'schedule', 'timeout', 'memorySize', 'alarmActions']),
    );
    expect(props('ThermostatTarget').get('function')!.optional).toBe(false);
    expect(propRows(interfaces[1]!)[0]).toEqual([
      '`function`',
      '`lambda.IFunction`',
      'required',
      expect.stringContaining('Pass an alias or a version'),
    ]);
  });

  it('shows the defaults the construct really applies', () => {
    const thermostat = props('ThermostatProps');
    expect(thermostat.get('memorySize')!.default).toBe(String(ThermostatDefaults.memorySize));
    expect(thermostat.get('reservedConcurrentExecutions')!.default).toBe(
      String(ThermostatDefaults.reservedConcurrentExecutions),
    );
    expect(thermostat.get('pingFailureRateThreshold')!.default).toBe(
      String(ThermostatDefaults.pingFailureRateThreshold),
    );
    expect(thermostat.get('timeout')!.default).toBe(`Duration.seconds(${ThermostatDefaults.timeout.toSeconds()})`);
    expect(thermostat.get('schedule')!.default).toBe('ScheduleExpression.rate(Duration.minutes(1))');
    expect(ThermostatDefaults.schedule().expressionString).toBe('rate(1 minute)');
    expect(props('TagDiscoveryProps').get('tagKey')!.default).toBe(`'${ThermostatDefaults.discoveryTagKey}'`);
  });

  it('renders a value default as code and a described default as text', () => {
    const table = propsTables(interfaces);
    expect(table).toContain('| `memorySize` | `number` | `256` |');
    expect(table).toContain('| `targets` | `ThermostatTarget[]` | none; then `discoverByTag` must be set |');
  });

  it('refuses a prop without a description, or an optional one without @default', () => {
    const dir = mkdtempSync(join(tmpdir(), 'thermostat-props-'));
    try {
      const file = join(dir, 'props.ts');
      writeFileSync(
        file,
        'export interface P {\n  /** Documented. */\n  readonly a: string;\n  readonly b?: number;\n}\n',
      );
      expect(() => readInterfaces(file, ['P'])).toThrow(new UndocumentedPropError('P.b has no JSDoc description'));
      writeFileSync(file, 'export interface P {\n  /** Optional. */\n  readonly b?: number;\n}\n');
      expect(() => readInterfaces(file, ['P'])).toThrow('P.b is optional but its JSDoc has no @default');
      expect(() => readInterfaces(file, ['Q'])).toThrow(`${file} has no interface Q`);
      writeFileSync(
        file,
        'export interface P {\n  /**\n   * Optional.\n   *\n   * @default 3\n   */\n  readonly b?: number;\n}\n',
      );
      expect(readInterfaces(file, ['P'])[0]!.props).toEqual([
        { name: 'b', type: 'number', optional: true, default: '3', description: 'Optional.', example: undefined },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
