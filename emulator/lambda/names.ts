import { lambdaErrors } from '../errors';

/** A `FunctionName` as the caller wrote it, split into its parts. */
export interface FunctionReference {
  readonly name: string;
  /** Qualifier written into the name (`name:live`, `...:function:name:3`), if any. */
  readonly qualifier?: string;
  readonly region?: string;
  readonly accountId?: string;
}

// AWS's FunctionName pattern, split into named parts: full ARN, partial ARN (account:function:name) or name,
// each optionally followed by :qualifier.
const FULL_ARN =
  /^arn:aws[a-zA-Z-]*:lambda:([a-z]{2}(?:-gov)?-[a-z]+-\d):(\d{12}):function:([a-zA-Z0-9_-]+)(?::(\$LATEST|[a-zA-Z0-9_-]+))?$/;
const PARTIAL_ARN = /^(\d{12}):function:([a-zA-Z0-9_-]+)(?::(\$LATEST|[a-zA-Z0-9_-]+))?$/;
const NAME = /^([a-zA-Z0-9_-]+)(?::(\$LATEST|[a-zA-Z0-9_-]+))?$/;
const QUALIFIER = /^(\$LATEST|[a-zA-Z0-9_-]{1,128})$/;

function validationError(value: string, member: string): Error {
  return lambdaErrors.validation(
    `1 validation error detected: Value '${value}' at '${member}' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?`,
  );
}

/** Parses a FunctionName path parameter (already URL-decoded); throws ValidationException like AWS. */
export function parseFunctionName(value: string, member = 'functionName'): FunctionReference {
  if (value.length === 0 || value.length > 170) throw validationError(value, member);
  const full = FULL_ARN.exec(value);
  if (full) {
    const [, region, accountId, name, qualifier] = full;
    return { name: name!, qualifier, region, accountId };
  }
  const partial = PARTIAL_ARN.exec(value);
  if (partial) {
    const [, accountId, name, qualifier] = partial;
    return { name: name!, qualifier, accountId };
  }
  const plain = NAME.exec(value);
  if (plain && plain[1]!.length <= 64) return { name: plain[1]!, qualifier: plain[2] };
  throw validationError(value, member);
}

/**
 * The qualifier a request addresses: the one in the name, the `Qualifier` parameter, or none. AWS rejects a
 * request whose two qualifiers disagree.
 */
export function reconcileQualifier(reference: FunctionReference, parameter: string | undefined): string | undefined {
  if (parameter !== undefined && parameter !== '' && !QUALIFIER.test(parameter)) {
    throw lambdaErrors.validation(
      `1 validation error detected: Value '${parameter}' at 'qualifier' failed to satisfy constraint: Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)`,
    );
  }
  const fromParameter = parameter === '' ? undefined : parameter;
  if (reference.qualifier !== undefined && fromParameter !== undefined && reference.qualifier !== fromParameter) {
    throw lambdaErrors.invalidParameter(
      'The derived qualifier from the function name does not match the specified qualifier.',
    );
  }
  return reference.qualifier ?? fromParameter;
}

export function functionArn(region: string, accountId: string, name: string, qualifier?: string): string {
  const base = `arn:aws:lambda:${region}:${accountId}:function:${name}`;
  return qualifier === undefined ? base : `${base}:${qualifier}`;
}
