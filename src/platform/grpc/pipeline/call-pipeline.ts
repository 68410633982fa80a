import type { AuthenticatedAccess } from '../../auth/access.js';
import type { AuthenticatedCallContext, CallContext } from '../call-context.js';
import type { CallEnvironment } from '../call-environment.js';
import { authenticate } from './authenticate.js';
import { authorize } from './authorize.js';
import { checkDeadline } from './check-deadline.js';
import { errorBoundary } from './error-boundary.js';
import { guardPrincipal } from './guard-principal.js';
import { limitStreams } from './limit-streams.js';
import { logCall } from './log-call.js';
import { Pipeline } from './middleware.js';
import { recordMetrics } from './record-metrics.js';
import { trackInFlight } from './track-in-flight.js';
import { traceCall } from './trace-call.js';

/**
 * The call pipeline: every call of every service (domains, health, reflection) runs through
 * these steps, outermost first, then its handler. What a method's access declares decides the
 * last steps, and with them the context its handler gets: a public method's handler gets no
 * principal; any other's gets the authenticated caller, never null. The steps that only act on
 * streams (stream limits, principal guard) are left out of a unary method's pipeline: each step
 * is a promise and a closure on every call of the hottest methods.
 */
export function callPipeline(
  env: CallEnvironment,
  access: { kind: 'public' },
  streaming: boolean,
): Pipeline<CallContext>;
export function callPipeline(
  env: CallEnvironment,
  access: AuthenticatedAccess,
  streaming: boolean,
): Pipeline<AuthenticatedCallContext>;
export function callPipeline(
  env: CallEnvironment,
  access: { kind: 'public' } | AuthenticatedAccess,
  streaming: boolean,
): Pipeline<CallContext> | Pipeline<AuthenticatedCallContext> {
  const admitted = Pipeline.start()
    .use(trackInFlight(env.track)) // shutdown waits for calls in flight
    .use(recordMetrics(env.metrics)) // started, in flight, open streams; handled and duration by code
    .use(traceCall) // the SERVER span; log lines carry its trace id
    .use(logCall) // one 'call finished' line with the code and duration
    .use(errorBoundary) // whatever is thrown below becomes the call's status (status.ts)
    .use(checkDeadline); // a call already past its deadline does no work
  if (access.kind === 'public') {
    return streaming ? admitted.use(limitStreams(env.streamLimits)) : admitted; // streams hold a lease per address while open
  }
  const authorized = admitted
    .use(authenticate(env.authenticator)) // bearer credential -> principal, tenant, org/user on the logger
    .use(authorize(access)); // the permission the method declares
  if (!streaming) return authorized;
  return authorized
    .use(limitStreams(env.streamLimits)) // streams hold a lease per address, principal and organization
    .use(guardPrincipal(env.revalidation)); // streams end when their caller is no longer allowed
}
