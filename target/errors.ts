/** A `withThermostat`/`thermostatMiddleware` option is invalid; thrown at wrap time, i.e. during init. */
export class ThermostatOptionsError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ThermostatOptionsError';
  }
}
