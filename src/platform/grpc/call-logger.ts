import type { Level } from 'pino';
import type { Logger } from '../logger.js';

/** What pino's log methods take: an object or a message first, then the message and its format arguments. */
type LogArguments = [objOrMessage: unknown, message?: string, ...formatArguments: unknown[]];

/**
 * A call's logger: the call's bindings (request id, method, trace id, org and user once known)
 * over the server's logger. The pino child carrying them is built only when a line at an enabled
 * level is written: a call that logs nothing (every call, when the level is above info) costs no
 * child logger.
 *
 * Each step that learns something adds a logger holding only what it adds, over the one before
 * (its pino child is a child of that one's): merging bindings per call (`{ ...bindings, ...more }`)
 * gave every call's merged object a hidden class of its own, which V8 keeps in old space until
 * the next full collection.
 */
export class CallLogger {
  #child: Logger | undefined;
  readonly #root: Logger;

  /**
   * @param parent the server's logger, or the call's logger these bindings add to.
   * @param bindings what this logger adds: keys its parents do not bind (pino does not replace a
   *   parent's binding, it would write the key twice).
   */
  constructor(
    private readonly parent: Logger | CallLogger,
    private readonly bindings: Readonly<Record<string, string>>,
  ) {
    this.#root = parent instanceof CallLogger ? parent.#root : parent;
  }

  /** The same call's logger with more bindings (a new value: call contexts are immutable). */
  with(more: Record<string, string>): CallLogger {
    return new CallLogger(this, more);
  }

  // Methods, not a closure per level per instance: a call makes two or three of these loggers,
  // and four closures each were allocated on every call whether it logged or not.
  debug(...args: LogArguments): void {
    this.#write('debug', args);
  }

  info(...args: LogArguments): void {
    this.#write('info', args);
  }

  warn(...args: LogArguments): void {
    this.#write('warn', args);
  }

  error(...args: LogArguments): void {
    this.#write('error', args);
  }

  #logger(): Logger {
    this.#child ??= (this.parent instanceof CallLogger ? this.parent.#logger() : this.parent).child(this.bindings);
    return this.#child;
  }

  #write(level: Level, args: LogArguments): void {
    if (!this.#root.isLevelEnabled(level)) return;
    (this.#logger()[level] as (...a: LogArguments) => void)(...args);
  }
}
