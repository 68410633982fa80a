import { isAuthenticated, type CallContext } from '../call-context.js';
import type { StreamCaller, StreamLimits } from '../stream-limits.js';
import type { CallMiddleware } from './middleware.js';

/**
 * Every streaming call holds a stream-limit lease while it is open (stream-limits.ts), taken
 * here for every streaming method alike, so no handler can forget it; after authentication, so
 * the principal's and organization's limits apply too. Released however the call ends.
 * @throws AppError RESOURCE_EXHAUSTED STREAM_LIMIT_REACHED when a limit is reached.
 */
export function limitStreams<C extends CallContext>(limits: StreamLimits): CallMiddleware<C> {
  return async (call, ctx, next) => {
    if (!call.method.streaming) return next(ctx);
    const lease = limits.acquire(streamCallerOf(ctx));
    try {
      return await next(ctx);
    } finally {
      lease.release();
    }
  };
}

function streamCallerOf(ctx: CallContext): StreamCaller {
  const principal = isAuthenticated(ctx) ? ctx.principal : undefined;
  return {
    address: ctx.clientAddress,
    principal: principal ? `${principal.kind}:${principal.actorId}` : undefined,
    organization: principal?.organizationId,
  };
}
