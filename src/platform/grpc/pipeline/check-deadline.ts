import { status as GrpcStatus } from '@grpc/grpc-js';
import { AppError } from '../../errors.js';
import type { CallContext } from '../call-context.js';
import type { CallMiddleware } from './middleware.js';

/** A call whose deadline passed before it started (it waited in a queue) does no work. */
export const checkDeadline: CallMiddleware<CallContext> = async (_call, ctx, next) => {
  if (ctx.deadline && ctx.deadline.getTime() <= Date.now()) {
    throw new AppError(
      GrpcStatus.DEADLINE_EXCEEDED,
      'DEADLINE_EXCEEDED',
      'The deadline passed before the call started.',
    );
  }
  return next(ctx);
};
