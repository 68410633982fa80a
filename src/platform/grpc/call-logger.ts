import type { Level, LogFn } from 'pino';
import type { Logger } from '../logger.js';

/**
 * A call's logger: the call's bindings (request id, method, trace id, org and user once known)
 * over the server's logger. The pino child carrying them is built only when a line at an enabled
 * level is written: a call that logs nothing (every call, when the level is above info) costs no
 * child logger, and steps that add a binding add it to a plain object.
 */
export class CallLogger {
  #child: Logger | undefined;

  constructor(
    private readonly base: Logger,
    readonly bindings: Readonly<Record<string, string>>,
  ) {}

  /** The same call's logger with more bindings (a new value: call contexts are immutable). */
  with(more: Record<string, string>): CallLogger {
    return new CallLogger(this.base, { ...this.bindings, ...more });
  }

  readonly debug = this.#at('debug');
  readonly info = this.#at('info');
  readonly warn = this.#at('warn');
  readonly error = this.#at('error');

  #at(level: Level): LogFn {
    return ((...args: unknown[]) => {
      if (!this.base.isLevelEnabled(level)) return;
      this.#child ??= this.base.child(this.bindings);
      (this.#child[level] as (...a: unknown[]) => void)(...args);
    }) as LogFn;
  }
}
