/**
 * The `function` and `qualifier` fields: what Lambda accepts, and the identity used to find two policies that
 * target the same thing.
 */

import { quote } from './messages';

const NAME = /^[A-Za-z0-9_-]{1,64}$/;
const ARN = /^arn:(aws[a-z-]*):lambda:([a-z0-9-]+):(\d{12}):function:([^:]*)(?::(.*))?$/;
const QUALIFIER = /^(\$LATEST|[A-Za-z0-9_-]{1,128})$/;

const FORMS =
  'a function name (letters, digits, - and _, up to 64) or a full ARN arn:aws:lambda:<region>:<account>:function:<name>';

/** Why `value` is not a usable `function`, or undefined when it is. */
export function functionProblem(value: string): string | undefined {
  const arn = ARN.exec(value);
  if (arn) {
    const [, , , , name, qualifier] = arn;
    if (!NAME.test(name!)) return `the function name in ARN ${quote(value)} is not valid; expected ${FORMS}`;
    if (qualifier !== undefined)
      return `${quote(value)} includes the qualifier "${qualifier}"; drop ":${qualifier}" from the ARN and write qualifier: ${qualifier}`;
    return undefined;
  }
  if (!value.startsWith('arn:') && /^[A-Za-z0-9_-]{1,64}:[^:]+$/.test(value)) {
    const [name, qualifier] = value.split(':');
    return `${quote(value)} includes the qualifier "${qualifier}"; write function: ${name} and qualifier: ${qualifier}`;
  }
  if (NAME.test(value)) return undefined;
  return `expected ${FORMS}, got ${quote(value)}`;
}

/** Why `value` is not a usable `qualifier`, or undefined when it is. */
export function qualifierProblem(value: string): string | undefined {
  if (QUALIFIER.test(value)) return undefined;
  return `expected an alias name or a version number (letters, digits, - and _, up to 128) or $LATEST, got ${quote(value)}`;
}

/** The plain function name, whether the policy names it or gives its ARN. */
export function functionName(value: string): string {
  const arn = ARN.exec(value);
  return arn ? arn[4]! : value;
}

/** `<function>:<qualifier or $LATEST>`: the key of a policy, keeping the function as the user wrote it. */
export function policyKey(fn: string, qualifier: string | undefined): string {
  return `${fn}:${qualifier ?? '$LATEST'}`;
}

/** The identity two policies must not share: the plain name and the qualifier ($LATEST when omitted). */
export function targetIdentity(fn: string, qualifier: string | undefined): string {
  return `${functionName(fn)}:${qualifier ?? '$LATEST'}`;
}
