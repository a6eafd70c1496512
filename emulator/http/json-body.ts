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
