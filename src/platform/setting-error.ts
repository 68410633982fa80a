/**
 * A start-up or command-line failure that the operator fixes by changing a setting: the message
 * says what is wrong and names the environment variable (or URL parameter) to change. Printed
 * as one line without a stack; the cause keeps the original error for debug logging.
 */
export class SettingError extends Error {
  constructor(
    message: string,
    readonly setting: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'SettingError';
  }
}
