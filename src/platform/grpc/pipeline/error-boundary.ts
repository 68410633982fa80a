import { AppError } from '../../errors.js';
import type { CallContext } from '../call-context.js';
import { toGrpcError } from '../status.js';
import { cancellation } from './cancellation.js';
import { CallFailure, type CallMiddleware } from './middleware.js';

/**
 * The one error boundary: whatever the rest of the call throws becomes the gRPC status it ends
 * with (status.ts: ErrorInfo with the request id, `x-request-id` metadata), sent unless the client
 * is gone; anything unexpected is logged with its stack. A call whose signal was aborted (client
 * cancel, deadline, ended by the server) ended that way, even when its handler wound down
 * quietly or failed for it.
 */
export const errorBoundary: CallMiddleware<CallContext> = async (call, ctx, next) => {
  try {
    const outcome = await next(ctx);
    return ctx.cancellation.aborted ? { ...outcome, code: cancellation(ctx).code } : outcome;
  } catch (thrown) {
    const { cause, ctx: reached } = thrown instanceof CallFailure ? thrown : { cause: thrown, ctx };
    const mapped = toGrpcError(
      ctx.cancellation.aborted && !(cause instanceof AppError) ? cancellation(ctx) : cause,
      ctx.requestId,
    );
    if (mapped.unexpected) reached.logger.error({ err: cause }, 'unexpected failure');
    if (!ctx.cancellation.aborted || call.cancelled === false) {
      mapped.error.metadata.set('x-request-id', ctx.requestId);
      call.fail(mapped.error);
    }
    return { code: mapped.error.code, ctx: reached };
  }
};
