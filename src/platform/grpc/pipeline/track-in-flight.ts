import type { CallContext } from '../call-context.js';
import type { CallMiddleware } from './middleware.js';

/** Counts the call as in flight until it has ended, however it ends: shutdown waits for these. */
export function trackInFlight(track: (delta: 1 | -1) => void): CallMiddleware<CallContext> {
  return async (_call, ctx, next) => {
    track(1);
    try {
      return await next(ctx);
    } finally {
      track(-1);
    }
  };
}
