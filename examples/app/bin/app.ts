/**
 * The example app. Synthesises offline, without credentials:
 *   npm run synth:examples
 *   npx cdk synth -a "npx tsx examples/app/bin/app.ts"      (from the repository root)
 * The stack is environment-agnostic; deploy it with `npx cdk deploy` from examples/app.
 */
import { App } from 'aws-cdk-lib';
import { ThermostatExampleStack } from '../lib/thermostat-example-stack';

const app = new App();
new ThermostatExampleStack(app, 'ThermostatExample', {
  description: 'Thermostat example: an HTTP API, a nightly batch and a webhook kept exactly as warm as they need',
});
