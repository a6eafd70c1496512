import { readdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { type Azure2019Options, loadAzure2019 } from './azure2019';
import { loadAzure2021 } from './azure2021';
import { forEachLine, TraceFormatError } from './csv';
import type { Trace } from './types';

export type LoadTraceOptions = Azure2019Options;

function firstLine(file: string): string {
  let header = '';
  forEachLine(file, (line) => {
    header = line;
    return false;
  });
  return header;
}

type Kind = 'invocations' | 'durations' | 'memory' | 'azure2021' | undefined;

function kindOf(file: string): Kind {
  const columns = new Set(
    firstLine(file)
      .split(',')
      .map((c) => c.trim().replace(/^\uFEFF/, '')),
  );
  if (columns.has('end_timestamp') && columns.has('func')) return 'azure2021';
  if (columns.has('HashApp') && [...columns].some((c) => /^\d+$/.test(c))) return 'invocations';
  if (columns.has('Average') && columns.has('HashFunction')) return 'durations';
  if (columns.has('AverageAllocatedMb') || columns.has('AverageAllocatedMb_pct99')) return 'memory';
  return undefined;
}

/** The day suffix of an upstream file name (`….anon.d01.csv` → `d01`), to pair a day's three files. */
function daySuffix(file: string): string | undefined {
  return /\.(d\d+)\.csv$/i.exec(basename(file))?.[1];
}

function loadFrom2019Files(files: string[], where: string, options: LoadTraceOptions, day?: string): Trace {
  const kinds = new Map<Kind, string[]>();
  for (const file of files) {
    if (day !== undefined && daySuffix(file) !== undefined && daySuffix(file) !== day) continue;
    const kind = kindOf(file);
    kinds.set(kind, [...(kinds.get(kind) ?? []), file]);
  }
  const one = (kind: Kind, required: boolean): string | undefined => {
    const found = kinds.get(kind) ?? [];
    if (found.length > 1) {
      throw new TraceFormatError(
        where,
        undefined,
        `several ${kind} files (${found.map((f) => basename(f)).join(', ')}); point --trace at one of them`,
      );
    }
    if (required && found.length === 0) throw new TraceFormatError(where, undefined, `no ${kind} file found`);
    return found[0];
  };
  return loadAzure2019(
    { invocations: one('invocations', true)!, durations: one('durations', false), memory: one('memory', false) },
    options,
  );
}

/**
 * Loads a trace from a path: a 2021 CSV, a 2019 invocations CSV (its durations and memory files are found next to
 * it, matched by day suffix for upstream names), or a folder holding one trace. The format is recognised by the
 * header's column names, never by file name.
 */
export function loadTrace(path: string, options: LoadTraceOptions = {}): Trace {
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(path);
  } catch (error) {
    throw new TraceFormatError(path, undefined, 'no such file or folder', { cause: error });
  }
  if (stats.isDirectory()) {
    const csvs = readdirSync(path)
      .filter((name) => name.toLowerCase().endsWith('.csv'))
      .sort()
      .map((name) => join(path, name));
    if (csvs.length === 0) throw new TraceFormatError(path, undefined, 'the folder has no .csv file');
    const per2021 = csvs.filter((file) => kindOf(file) === 'azure2021');
    if (per2021.length === 1 && csvs.length === 1) return loadAzure2021(per2021[0], options);
    if (per2021.length > 0) {
      throw new TraceFormatError(path, undefined, 'the folder mixes several traces; point --trace at one file');
    }
    return loadFrom2019Files(csvs, path, options);
  }
  const kind = kindOf(path);
  if (kind === 'azure2021') return loadAzure2021(path, options);
  if (kind === 'invocations') {
    const siblings = readdirSync(dirname(path))
      .filter((name) => name.toLowerCase().endsWith('.csv'))
      .map((name) => join(dirname(path), name))
      .filter((file) => file === path || kindOf(file) !== 'invocations');
    return loadFrom2019Files(siblings, path, options, daySuffix(path));
  }
  throw new TraceFormatError(
    path,
    1,
    'not a trace this tool reads: expected an Azure 2021 file (app,func,end_timestamp,duration) or an Azure 2019 invocations file (HashOwner,HashApp,HashFunction,Trigger,1,2,…)',
  );
}
