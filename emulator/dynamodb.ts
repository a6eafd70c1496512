import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { EmulatorRuntimeError } from './errors';
import { close } from './http/server';

interface DynaliteOptions {
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}

type Dynalite = (options: DynaliteOptions) => Server;

/** A real local DynamoDB (dynalite, in memory) on 127.0.0.1, with table state changes made instant. */
export async function startDynamo(): Promise<{ endpoint: string; stop: () => Promise<void> }> {
  let dynalite: Dynalite;
  try {
    // Required only here, so emulators without DynamoDB never load dynalite and its dependencies. A built package
    // carries it bundled (in memory only) in dist/vendor; from the sources it is the dev dependency.
    const vendored = join(__dirname, '..', 'vendor', 'dynalite.js');
    dynalite = require(existsSync(vendored) ? vendored : 'dynalite') as Dynalite;
  } catch (error) {
    throw new EmulatorRuntimeError('dynamodb: true needs the "dynalite" package; install it', { cause: error });
  }
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) =>
      reject(new EmulatorRuntimeError(`dynalite did not start: ${error.message}`, { cause: error })),
    );
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}`, stop: () => close(server) };
}
