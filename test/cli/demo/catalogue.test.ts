import { join } from 'node:path';
import { DEMO_ENTRIES, exampleFiles, examplePath, packageRoot } from '../../../cli/demo/catalogue';

describe('the demo finds its examples', () => {
  const root = packageRoot();

  it('from the sources: the repository examples, functions as TypeScript', () => {
    const files = exampleFiles(join(root, 'cli', 'demo'));
    expect(files).toEqual({ root, compiled: false });
    expect(examplePath(files, DEMO_ENTRIES[0]!.fn.file)).toBe(join(root, 'examples', 'functions', 'checkout-api.ts'));
  });

  it('from a build, as in an installed package: the copies in dist/examples, functions as JavaScript', () => {
    // The bundled CLI sits in dist/cli, the tsc output of this module in dist/cli/demo: both are "built".
    for (const from of [join(root, 'dist', 'cli'), join(root, 'dist', 'cli', 'demo')]) {
      const files = exampleFiles(from);
      expect(files).toEqual({ root: join(root, 'dist'), compiled: true });
      expect(examplePath(files, 'examples/functions/checkout-api.ts')).toBe(
        join(root, 'dist', 'examples', 'functions', 'checkout-api.js'),
      );
      expect(examplePath(files, 'examples/policies/_defaults.yaml')).toBe(
        join(root, 'dist', 'examples', 'policies', '_defaults.yaml'),
      );
    }
  });

  it('not fooled by a folder whose name only starts with dist', () => {
    expect(exampleFiles(join(root, 'distribution')).compiled).toBe(false);
  });
});
