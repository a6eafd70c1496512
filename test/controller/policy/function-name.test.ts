import {
  functionName,
  functionProblem,
  policyKey,
  qualifierProblem,
  targetIdentity,
} from '../../../controller/policy/function-name';

describe('function names', () => {
  it.each([
    'checkout-api',
    'my_function_1',
    'a'.repeat(64),
    'arn:aws:lambda:eu-west-1:123456789012:function:checkout-api',
    'arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:x',
  ])('accepts %s', (name) => {
    expect(functionProblem(name)).toBeUndefined();
  });

  it.each([
    ['a'.repeat(65), /^expected a function name/],
    ['my function', /^expected a function name/],
    ['123456789012:function:api', /^expected a function name/],
    ['arn:aws:lambda:eu-west-1:123456789012:function:bad name', /^the function name in ARN/],
    ['api:live', /^"api:live" includes the qualifier "live"; write function: api and qualifier: live$/],
  ])('rejects %s', (name, message) => {
    expect(functionProblem(name)).toMatch(message);
  });

  it('normalises an ARN to the plain name for duplicate detection, but keys by what was written', () => {
    const arn = 'arn:aws:lambda:eu-west-1:123456789012:function:api';
    expect(functionName(arn)).toBe('api');
    expect(targetIdentity(arn, 'live')).toBe(targetIdentity('api', 'live'));
    expect(targetIdentity('api', undefined)).toBe(targetIdentity('api', '$LATEST'));
    expect(policyKey(arn, undefined)).toBe(`${arn}:$LATEST`);
  });
});

describe('qualifiers', () => {
  it('accepts aliases, versions and $LATEST and rejects the rest', () => {
    for (const ok of ['live', '12', '$LATEST', 'blue-green_2']) expect(qualifierProblem(ok)).toBeUndefined();
    expect(qualifierProblem('live:1')).toMatch(/^expected an alias name or a version number/);
    expect(qualifierProblem('')).toMatch(/got ""$/);
  });
});
