/**
 * The Azure traces are licensed CC BY 4.0: every place that shows results computed from them must say where the
 * data comes from. These strings are the attribution the shared traces' README requires.
 */
export interface Citation {
  readonly dataset: string;
  readonly paper: string;
  readonly description: string;
  readonly licence: string;
}

const LICENCE =
  'Dataset © Microsoft, Azure Public Dataset, licensed under Creative Commons Attribution 4.0 International (CC BY 4.0), https://creativecommons.org/licenses/by/4.0/';

export const AZURE_2019_CITATION: Citation = {
  dataset: 'Azure Functions Trace 2019',
  paper:
    'Mohammad Shahrad, Rodrigo Fonseca, Íñigo Goiri, Gohar Chaudhry, Paul Batum, Jason Cooke, Eduardo Laureano, Colby Tresness, Mark Russinovich, Ricardo Bianchini. "Serverless in the Wild: Characterizing and Optimizing the Serverless Workload at a Large Cloud Provider", USENIX ATC 2020.',
  description: 'Azure/AzurePublicDataset → AzureFunctionsDataset2019.md',
  licence: LICENCE,
};

export const AZURE_2021_CITATION: Citation = {
  dataset: 'Azure Functions Invocation Trace 2021',
  paper:
    'Yanqi Zhang, Íñigo Goiri, Gohar Irfan Chaudhry, Rodrigo Fonseca, Sameh Elnikety, Christina Delimitrou, Ricardo Bianchini. "Faster and Cheaper Serverless Computing on Harvested Resources", SOSP 2021.',
  description: 'Azure/AzurePublicDataset → AzureFunctionsInvocationTrace2021.md',
  licence: LICENCE,
};

/** A trace written by `thermostat trace export`: the user's own CloudWatch data, no third party to credit. */
export const CLOUDWATCH_EXPORT_CITATION: Citation = {
  dataset: 'Your own traffic',
  paper: 'Exported from your CloudWatch metrics by `thermostat trace export` (export.json beside the trace).',
  description: 'per-minute Invocations and ConcurrentExecutions, Duration statistics, memory from GetFunction',
  licence: 'Your data',
};

/** One paragraph of plain text, for tables and logs. */
export function formatCitation(citation: Citation): string {
  return `Trace: ${citation.dataset} (${citation.description}). ${citation.paper} ${citation.licence}.`;
}
