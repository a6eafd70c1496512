import type { Command } from '../command';

/** Every `thermostat` subcommand, in the order `thermostat --help` lists them. */
export const commands: readonly Command[] = [];
