import { AwsError } from '../errors';

/** A JSON request body as AWS's JSON protocols read it: empty is `{}`, malformed is a SerializationException. */
export function parseJsonBody(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8') || '{}');
  } catch (error) {
    throw new AwsError(
      'SerializationException',
      `Could not parse the request: ${(error as Error).message}`,
      400,
      {},
      {},
      { cause: error },
    );
  }
}

/** A JSON object (not null, not an array): what every JSON request body and most of its members must be. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
