import { status as GrpcStatus } from '@grpc/grpc-js';
import type { AppError } from '../../errors.js';
import type { MethodLabels } from '../../metrics.js';
import type { CallContext } from '../call-context.js';
import type { MappedError } from '../status.js';

/** The method a call is for, as the pipeline's steps need it. */
export interface PipelineMethod {
  /** Full method path, e.g. `/imsop.identity.v1.AuthService/Login`. */
  readonly path: string;
  /** Metric labels, made once per method. */
  readonly labels: MethodLabels;
  /** Server-streaming or bidi: holds a stream-limit lease and is guarded while open. */
  readonly streaming: boolean;
  /** Successful calls are logged at debug rather than info (health probes, reflection). */
  readonly quiet: boolean;
}

/**
 * What the pipeline's steps know of one call besides its context, and what they may do to it.
 * Never handed to handlers.
 */
export interface ServerCall {
  readonly method: PipelineMethod;
  /** `performance.now()` when the call arrived: durations count from here. */
  readonly arrivedAt: number;
  /** grpc-js's own flag: true once the client cancelled (or the deadline passed); no status reaches it then. */
  readonly cancelled: boolean;
  /** Ends the call with an error status (the error boundary's job). */
  fail(error: MappedError['error']): void;
  /** Ends the call from the server side: aborts `ctx.cancellation` with `reason`, which the call then ends with. */
  end(reason: AppError): void;
}

/** Milliseconds since the call arrived, to two decimals (the log line's and the histogram's duration). */
export const elapsedMs = (call: ServerCall): number => Math.round((performance.now() - call.arrivedAt) * 100) / 100;

/** How a call ended: its status code, and the context it ended under. */
export interface CallOutcome {
  readonly code: GrpcStatus;
  /**
   * The context of the innermost step the call reached: once authenticated, its logger is bound
   * to the caller's organization and user, so the lines logged for the call say who called.
   */
  readonly ctx: CallContext;
}

/**
 * One step of the call pipeline, in the shape of nice-grpc's server middleware and connect-es
 * interceptors: it does its part, runs the rest of the call (`next`) with the context it hands
 * on (the same one, or a new one carrying what it learned: contexts are never mutated), and
 * returns how the call ended. A step refuses a call by throwing before `next`; what it holds it
 * lets go in `finally`.
 */
export type CallMiddleware<In extends CallContext, Out extends CallContext = In> = (
  call: ServerCall,
  ctx: In,
  next: (ctx: Out) => Promise<CallOutcome>,
) => Promise<CallOutcome>;

/** A step with nothing to do (e.g. metrics when the server keeps none). */
export const passThrough =
  <C extends CallContext>(): CallMiddleware<C> =>
  (_call, ctx, next) =>
    next(ctx);

/**
 * Anything thrown inside the pipeline, on its way out, with the context of the innermost step
 * it passed: a handler's failure is logged under the caller's organization and user even though
 * the error boundary runs outside authentication. Only the error boundary sees it.
 */
export class CallFailure extends Error {
  constructor(
    override readonly cause: unknown,
    readonly ctx: CallContext,
  ) {
    super('call failed', { cause });
  }
}

/**
 * Steps composed in order, the first outermost, ending in the handler. Each `use` returns a new
 * pipeline typed by the context the added step hands on, so the handler's context type is what
 * the steps before it made (an authenticated call's handler gets the principal, non-null).
 */
export class Pipeline<C extends CallContext> {
  private constructor(private readonly steps: readonly CallMiddleware<any, any>[]) {}

  /** The empty pipeline, for calls opened with a plain `CallContext`. */
  static start(): Pipeline<CallContext> {
    return new Pipeline<CallContext>([]);
  }

  use<Out extends CallContext>(step: CallMiddleware<C, Out>): Pipeline<Out> {
    return new Pipeline<Out>([...this.steps, step]);
  }

  /**
   * Runs one call through every step, then `handle` (the handler and its response) with the
   * context the steps made. A call whose handle returns ends OK unless a step says otherwise.
   */
  run(call: ServerCall, ctx: CallContext, handle: (ctx: C) => Promise<void>): Promise<CallOutcome> {
    const steps = this.steps;
    const step = async (index: number, current: CallContext): Promise<CallOutcome> => {
      try {
        if (index === steps.length) {
          await handle(current as C);
          return { code: GrpcStatus.OK, ctx: current };
        }
        return await steps[index]!(call, current, (next: CallContext) => step(index + 1, next));
      } catch (thrown) {
        throw thrown instanceof CallFailure ? thrown : new CallFailure(thrown, current);
      }
    };
    return step(0, ctx);
  }
}
