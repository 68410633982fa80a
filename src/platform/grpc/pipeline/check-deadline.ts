import { status as GrpcStatus } from '@grpc/grpc-js';
import { AppError } from '../../errors.js';
import type { CallContext } from '../call-context.js';
import type { CallMiddleware } from './middleware.js';

/**
 * A call whose deadline passed before it started (it waited in a queue) does no work. Not async:
 * a call that passes is handed on as it is, without a promise of this step's own.
 */
export const checkDeadline: CallMiddleware<CallContext> = (_call, ctx, next) => {
  if (ctx.deadline && ctx.deadline.getTime() <= Date.now()) {
    throw new AppError(
      GrpcStatus.DEADLINE_EXCEEDED,
      'DEADLINE_EXCEEDED',
      'The deadline passed before the call started.',
    );
  }
  return next(ctx);
};
