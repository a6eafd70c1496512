import type { AwsError } from '../../../emulator/errors';
import { parseFunctionName, reconcileQualifier } from '../../../emulator/lambda/names';

describe('parseFunctionName', () => {
  it.each([
    ['orders', { name: 'orders', qualifier: undefined }],
    ['orders:live', { name: 'orders', qualifier: 'live' }],
    ['lw-target:$LATEST', { name: 'lw-target', qualifier: '$LATEST' }],
    ['123456789012:function:orders', { name: 'orders', qualifier: undefined, accountId: '123456789012' }],
    ['123456789012:function:orders:3', { name: 'orders', qualifier: '3', accountId: '123456789012' }],
    [
      'arn:aws:lambda:eu-west-1:123456789012:function:orders:live',
      { name: 'orders', qualifier: 'live', region: 'eu-west-1', accountId: '123456789012' },
    ],
    [
      'arn:aws:lambda:us-east-1:123456789012:function:orders',
      { name: 'orders', qualifier: undefined, region: 'us-east-1' },
    ],
  ])('reads %s', (input, expected) => {
    expect(parseFunctionName(input)).toMatchObject(expected);
  });

  it.each(['', 'bad name', 'a:b:c', 'x'.repeat(65), 'arn:aws:s3:::bucket'])(
    'rejects %j with ValidationException',
    (input) => {
      expect(() => parseFunctionName(input)).toThrow(
        expect.objectContaining({ code: 'ValidationException', status: 400 }) as AwsError,
      );
    },
  );
});

describe('reconcileQualifier', () => {
  it('takes the qualifier from the name or the parameter', () => {
    expect(reconcileQualifier({ name: 'f', qualifier: 'live' }, undefined)).toBe('live');
    expect(reconcileQualifier({ name: 'f' }, '3')).toBe('3');
    expect(reconcileQualifier({ name: 'f', qualifier: 'live' }, 'live')).toBe('live');
    expect(reconcileQualifier({ name: 'f' }, undefined)).toBeUndefined();
  });

  it('rejects two different qualifiers like AWS', () => {
    expect(() => reconcileQualifier({ name: 'f', qualifier: 'live' }, '3')).toThrow(
      'The derived qualifier from the function name does not match the specified qualifier.',
    );
  });
});
