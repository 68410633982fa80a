import { status as GrpcStatus } from '@grpc/grpc-js';
import { AppError } from '../../errors.js';
import type { CallContext } from '../call-context.js';

/**
 * A client ends a call at its deadline by cancelling it (RST_STREAM), and the cancellation
 * reaches the server a little before the server's own copy of the deadline runs out: the server
 * counts the timeout from when the call arrived, later than the client did. A cancellation that
 * close to the deadline is the deadline.
 */
const DEADLINE_CANCEL_TOLERANCE_MS = 1_000;

/** What a call that ended early ended with: the server's reason, the deadline, or the client's cancellation. */
export function cancellation(ctx: CallContext): AppError {
  // Ended by the server (see CallContext.cancellation), not by the client.
  if (ctx.cancellation.reason instanceof AppError) return ctx.cancellation.reason;
  const expired = ctx.deadline !== undefined && ctx.deadline.getTime() - Date.now() <= DEADLINE_CANCEL_TOLERANCE_MS;
  return expired
    ? new AppError(GrpcStatus.DEADLINE_EXCEEDED, 'DEADLINE_EXCEEDED', 'The deadline passed.')
    : new AppError(GrpcStatus.CANCELLED, 'CANCELLED', 'The call was cancelled by the client.');
}
