import { status as GrpcStatus } from '@grpc/grpc-js';
import type { CallContext } from '../call-context.js';
import { elapsedMs, type CallMiddleware, type CallOutcome } from './middleware.js';

/**
 * One line per call once it has ended: its code and duration, under the call's logger (request
 * id, method, trace id, and the caller's org and user once authenticated); never credentials or
 * request bodies. OK at info (debug for quiet services), failures of the caller's making at warn,
 * INTERNAL and UNKNOWN at error.
 */
export const logCall: CallMiddleware<CallContext> = async (call, ctx, next) => {
  let outcome: CallOutcome = { code: GrpcStatus.UNKNOWN, ctx };
  try {
    outcome = await next(ctx);
    return outcome;
  } finally {
    const { code } = outcome;
    const level =
      code === GrpcStatus.OK
        ? call.method.quiet
          ? 'debug'
          : 'info'
        : code === GrpcStatus.INTERNAL || code === GrpcStatus.UNKNOWN
          ? 'error'
          : 'warn';
    outcome.ctx.logger[level]({ code: GrpcStatus[code], durationMs: elapsedMs(call) }, 'call finished');
  }
};
