import type { Command } from '../command';
import { demoCommand } from './demo';
import { emulatorCommand } from './emulator';
import { planCommand } from './plan';
import { runCommand } from './run';
import { simulateCommand } from './simulate';
import { traceCommand } from './trace';
import { validate } from './validate';

/** Every `thermostat` subcommand, in the order `thermostat --help` lists them. */
export const commands: readonly Command[] = [
  validate,
  planCommand,
  runCommand,
  emulatorCommand,
  simulateCommand,
  traceCommand,
  demoCommand,
];
