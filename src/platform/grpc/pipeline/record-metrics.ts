import { status as GrpcStatus } from '@grpc/grpc-js';
import type { Metrics } from '../../metrics.js';
import type { CallContext } from '../call-context.js';
import { elapsedMs, passThrough, type CallMiddleware } from './middleware.js';

/**
 * The call's metrics: started (grpc_server_started_total), in flight, open streams while a
 * stream is open, and once it ended its status code and duration (grpc_server_handled_total,
 * grpc_server_handling_seconds).
 */
export function recordMetrics(metrics: Metrics | undefined): CallMiddleware<CallContext> {
  if (!metrics) return passThrough();
  return async (call, ctx, next) => {
    const { labels, streaming } = call.method;
    const { grpc_service, grpc_method } = labels;
    metrics.callStarted(labels);
    metrics.inFlight.inc();
    if (streaming) metrics.openStreams.inc({ grpc_service, grpc_method });
    let code: GrpcStatus = GrpcStatus.UNKNOWN;
    try {
      const outcome = await next(ctx);
      code = outcome.code;
      return outcome;
    } finally {
      metrics.inFlight.dec();
      if (streaming) metrics.openStreams.dec({ grpc_service, grpc_method });
      metrics.callEnded(labels, code, elapsedMs(call));
    }
  };
}
