import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const ASSET = join(__dirname, '..', '..', 'dist', 'assets', 'controller');

/**
 * `npm run bench` rebuilds the bundle while other work (a construct synthesised in a test, a user's `cdk synth`)
 * may read it. A rebuild that emptied the folder first left a window in which the controller was missing, and a
 * synth in that window failed (CI did, once).
 */
describe('rebuilding the controller bundle', () => {
  it('never leaves the asset folder without index.js while it runs, and ships only the bundle files', async () => {
    const { bundle } = require('../../scripts/bundle') as { bundle: (o: { quiet: boolean }) => Promise<unknown> };
    let missing = 0;
    let looks = 0;
    let done = false;
    const watch = (async () => {
      while (!done) {
        looks++;
        if (!existsSync(join(ASSET, 'index.js'))) missing++;
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    try {
      await bundle({ quiet: true });
    } finally {
      done = true;
      await watch;
    }
    // looked many times while esbuild worked (its build is asynchronous), never found the bundle gone
    expect(looks).toBeGreaterThan(10);
    expect(missing).toBe(0);
    expect(readdirSync(ASSET).sort()).toEqual(['index.js', 'tracing.js']);
  }, 60_000);
});
