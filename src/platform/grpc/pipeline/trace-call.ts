import { status as GrpcStatus } from '@grpc/grpc-js';
import { context as otelContext } from '@opentelemetry/api';
import { endCallSpan, startCallSpan, type CallSpan } from '../../tracing.js';
import type { CallContext } from '../call-context.js';
import type { CallMiddleware, CallOutcome } from './middleware.js';

/**
 * The call's SERVER span, continuing the caller's `traceparent`; the rest of the call runs in it
 * (SQL and Redis spans are its children) and its log lines carry the trace id. Ends with the
 * call's status code.
 */
export const traceCall: CallMiddleware<CallContext> = (_call, ctx, next) => {
  const trace = startCallSpan(ctx.method, ctx.metadata);
  // Tracing off and no caller's trace: nothing to record or log, not even a promise to wrap.
  return trace ? inSpan(trace, ctx, next) : next(ctx);
};

async function inSpan(
  trace: CallSpan,
  ctx: CallContext,
  next: (ctx: CallContext) => Promise<CallOutcome>,
): Promise<CallOutcome> {
  const traced = trace.traceId ? { ...ctx, logger: ctx.logger.with({ traceId: trace.traceId }) } : ctx;
  let code: GrpcStatus = GrpcStatus.UNKNOWN;
  try {
    const outcome = await otelContext.with(trace.context, () => next(traced));
    code = outcome.code;
    return outcome;
  } finally {
    endCallSpan(trace.span, code, GrpcStatus[code] ?? String(code));
  }
}
