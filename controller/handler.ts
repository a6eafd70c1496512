/**
 * The controller's Lambda entry point: Powertools (log, metrics, traces) around the wiring (wiring.ts), built once
 * per execution environment. Reads POWERTOOLS_SERVICE_NAME and POWERTOOLS_TRACE_ENABLED besides the wiring's
 * variables.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { LogAttributes } from '@aws-lambda-powertools/logger/types';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { ControllerEnv, METRIC_NAMESPACE } from './contract';
import type { RunReport } from './report/report';
import { type RunContext, type RunDeps, run } from './run';
import { type Runtime, runtimeFromEnv } from './wiring';

/**
 * Whether X-Ray traces are recorded: as Powertools decides, inside Lambda unless POWERTOOLS_TRACE_ENABLED is
 * `false` (set it so when the function's active tracing is off: nothing would receive the traces).
 */
export function tracingEnabled(env: NodeJS.ProcessEnv): boolean {
  return env.AWS_LAMBDA_FUNCTION_NAME !== undefined && env.POWERTOOLS_TRACE_ENABLED?.toLowerCase() !== 'false';
}

/** Everything a run needs, from the environment. Throws ControllerConfigError naming what is wrong. */
export function createRuntime(env: NodeJS.ProcessEnv = process.env, bundleDir: string = __dirname): Runtime {
  const serviceName = env[ControllerEnv.ServiceName] || 'thermostat';
  const logger = new Logger({ serviceName });
  const metrics = new Metrics({ namespace: METRIC_NAMESPACE, serviceName });
  return runtimeFromEnv(env, bundleDir, {
    log: powertoolsLog(logger),
    metrics,
    ...(tracingEnabled(env)
      ? {
          instrument: (clients) => {
            // Loaded only when traces are recorded: the tracer and the X-Ray SDK under it are a large part of init time.
            const { traceClients } = require('./tracing') as typeof import('./tracing');
            traceClients(serviceName, clients);
          },
        }
      : {}),
  });
}

/** The run's Log backed by Powertools Logger (JSON lines; the run id becomes the correlation id). */
function powertoolsLog(logger: Logger): RunDeps['log'] {
  const extra = (attributes?: Record<string, unknown>): LogAttributes[] =>
    attributes ? [attributes as LogAttributes] : [];
  return {
    debug: (message, attributes) => logger.debug(message, ...extra(attributes)),
    info: (message, attributes) => logger.info(message, ...extra(attributes)),
    warn: (message, attributes) => logger.warn(message, ...extra(attributes)),
    error: (message, attributes) => logger.error(message, ...extra(attributes)),
    setCorrelationId: (id) => logger.setCorrelationId(id),
  };
}

let runtime: Runtime | undefined;

/** The scheduled entry point. The runtime is built on first use and kept for the life of the environment. */
export async function handler(event: unknown, context: RunContext): Promise<RunReport> {
  runtime ??= createRuntime();
  return run(runtime.deps, event, context);
}

// Inside Lambda, build during the init phase (before the first tick's clock starts) and fail init loudly when
// misconfigured; elsewhere (tests, tools importing this file) nothing happens on import.
if (process.env.AWS_LAMBDA_FUNCTION_NAME && process.env.THERMOSTAT_TABLE) runtime = createRuntime();
