import { formatIssue, loadPolicySet, policyJsonSchema } from '../../controller/policy';
import type { Command } from '../command';
import { parseCommandArgs } from '../command';
import { EXIT, UsageError } from '../errors';
import { colours } from '../io';

const HELP = `Usage: thermostat validate <file-or-dir>... [--json]
       thermostat validate --print-schema

Validates policy files (.yaml, .yml, .json; directories are read recursively) as one policy set: the same
checks the construct runs at synth time and the controller at run time.

Prints "ok <file>" for each valid file and one line per problem:
  <file>: <path>: <what is wrong and what is allowed> (line L, column C)
Every problem of every file is reported, not just the first.

Options:
      --json          print the result as JSON: { ok, files: [{ file, ok, policies }], issues }
      --print-schema  print the JSON Schema of a policy file (for editors) and exit

Exit codes: 0 all valid, 1 any problem, 2 usage error.

Editors: start a policy file with
  # yaml-language-server: $schema=<path to node_modules>/lambda-thermostat/schema/policy.schema.json
`;

export const validate: Command = {
  name: 'validate',
  summary: 'check policy files and directories; print every problem',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      json: { type: 'boolean' },
      'print-schema': { type: 'boolean' },
    });
    if (values['print-schema']) {
      if (positionals.length > 0) throw new UsageError('--print-schema takes no files');
      io.stdout.write(`${JSON.stringify(policyJsonSchema(), null, 2)}\n`);
      return EXIT.ok;
    }
    if (positionals.length === 0) throw new UsageError('expected at least one policy file or directory');

    const set = loadPolicySet(positionals, { cwd: io.cwd });
    const invalid = new Set(set.issues.map((issue) => issue.file));
    const ok = set.issues.length === 0;
    if (values.json) {
      const files = set.files.map((file) => ({
        file,
        ok: !invalid.has(file),
        policies: set.policies.filter((p) => p.file === file).map((p) => p.key),
      }));
      io.stdout.write(`${JSON.stringify({ ok, files, issues: set.issues }, null, 2)}\n`);
      return ok ? EXIT.ok : EXIT.failed;
    }

    const paint = colours(io.stdout, io.env);
    // Problems with the paths themselves (missing, wrong extension) come first, then each file in order.
    for (const issue of set.issues) if (!set.files.includes(issue.file)) io.stdout.write(`${formatIssue(issue)}\n`);
    for (const file of set.files) {
      if (!invalid.has(file)) io.stdout.write(`${paint.green('ok')} ${file}\n`);
      for (const issue of set.issues) if (issue.file === file) io.stdout.write(`${formatIssue(issue)}\n`);
    }
    if (!ok) {
      const count = set.issues.length;
      const total = new Set([...set.files, ...invalid]).size;
      io.stderr.write(
        `${paint.red(`${count} problem${count === 1 ? '' : 's'}`)} in ${invalid.size} of ${total} file${total === 1 ? '' : 's'}\n`,
      );
    }
    return ok ? EXIT.ok : EXIT.failed;
  },
};
