/** A `withThermostat`/`thermostatMiddleware` option is invalid; thrown at wrap time, i.e. during init. */
export class ThermostatOptionsError extends Error {
  override readonly name = 'ThermostatOptionsError';
}
