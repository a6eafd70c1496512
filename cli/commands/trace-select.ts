import type {
  GetFunctionRequest,
  GetFunctionResponse,
  ListFunctionsRequest,
  ListFunctionsResponse,
} from '@aws-sdk/client-lambda';
import { functionName } from '../../controller/policy';
import { InputError } from '../errors';

/** The Lambda reads selection needs; both are free (no per-request charge). */
export interface FunctionDirectory {
  listFunctions(input: ListFunctionsRequest): Promise<ListFunctionsResponse>;
  getFunction(input: GetFunctionRequest): Promise<GetFunctionResponse>;
}

/** Which functions to export: named ones, or every function matching a prefix and/or tags. */
export type Selection =
  | { readonly kind: 'names'; readonly names: readonly string[] }
  | {
      readonly kind: 'match';
      readonly prefix?: string;
      /** Each must match: `value` undefined means the tag is present with any value. */
      readonly tags: ReadonlyArray<{ readonly key: string; readonly value?: string }>;
    };

/** A selected function as GetFunction describes it. */
export interface SelectedFunction {
  readonly name: string;
  readonly accountId: string;
  readonly region: string;
  readonly memoryMb: number;
}

export interface SelectOptions {
  /** Alias or version whose memory is read. */
  readonly qualifier?: string;
  /** Paces ListFunctions (Lambda's control plane: about 15 requests per second per account, shared). */
  readonly listLimiter?: { take(): Promise<void> };
  /** Paces GetFunction (its own quota: 100 requests per second). */
  readonly getLimiter?: { take(): Promise<void> };
}

const ARN_PARTS = /^arn:[^:]+:lambda:([^:]+):(\d{12}):function:/;

function errorName(error: unknown): string {
  return (error as { name?: string }).name ?? 'Error';
}

/** Parses `--tag key=value` (or `--tag key` for any value). */
export function parseTag(text: string): { key: string; value?: string } {
  const at = text.indexOf('=');
  const key = (at === -1 ? text : text.slice(0, at)).trim();
  if (key === '') throw new InputError(`--tag needs a key, as in --tag team=shop, got "${text}"`);
  return at === -1 ? { key } : { key, value: text.slice(at + 1) };
}

async function describe(
  directory: FunctionDirectory,
  name: string,
  options: SelectOptions,
): Promise<{ fn: SelectedFunction; tags: Record<string, string> }> {
  await options.getLimiter?.take();
  let out: GetFunctionResponse;
  try {
    out = await directory.getFunction({
      FunctionName: name,
      ...(options.qualifier ? { Qualifier: options.qualifier } : {}),
    });
  } catch (error) {
    const where = options.qualifier ? `${name}:${options.qualifier}` : name;
    if (errorName(error) === 'ResourceNotFoundException') {
      throw new InputError(`function ${where} does not exist (GetFunction); check the name, region and qualifier`, {
        cause: error,
      });
    }
    throw new InputError(`cannot read function ${where}: ${(error as Error).message}`, { cause: error });
  }
  const config = out.Configuration;
  const arn = ARN_PARTS.exec(config?.FunctionArn ?? '');
  if (!config?.FunctionName || !arn || config.MemorySize === undefined) {
    throw new InputError(`GetFunction of ${name} returned no name, ARN or memory size`);
  }
  return {
    fn: { name: config.FunctionName, region: arn[1]!, accountId: arn[2]!, memoryMb: config.MemorySize },
    tags: out.Tags ?? {},
  };
}

/**
 * Resolves the selection to functions, sorted by name. Named functions are read with GetFunction; a prefix or tag
 * lists the account's functions (ListFunctions, 50 a page), then reads each candidate with GetFunction for its
 * memory and tags.
 */
export async function selectFunctions(
  directory: FunctionDirectory,
  selection: Selection,
  options: SelectOptions = {},
): Promise<SelectedFunction[]> {
  let names: string[];
  if (selection.kind === 'names') {
    names = [...new Set(selection.names.map((name) => functionName(name.trim())).filter((name) => name !== ''))];
  } else {
    names = [];
    let marker: string | undefined;
    do {
      await options.listLimiter?.take();
      let page: ListFunctionsResponse;
      try {
        page = await directory.listFunctions({ MaxItems: 50, ...(marker ? { Marker: marker } : {}) });
      } catch (error) {
        throw new InputError(`cannot list functions (ListFunctions): ${(error as Error).message}`, { cause: error });
      }
      for (const fn of page.Functions ?? []) {
        const name = fn.FunctionName;
        if (name && (selection.prefix === undefined || name.startsWith(selection.prefix))) names.push(name);
      }
      marker = page.NextMarker;
    } while (marker);
  }
  const selected: SelectedFunction[] = [];
  for (const name of names) {
    const { fn, tags } = await describe(directory, name, options);
    if (selection.kind === 'match') {
      const matches = selection.tags.every(
        ({ key, value }) => key in tags && (value === undefined || tags[key] === value),
      );
      if (!matches) continue;
    }
    selected.push(fn);
  }
  return selected.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
