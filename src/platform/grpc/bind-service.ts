import { randomUUID } from 'node:crypto';
import { context as otelContext } from '@opentelemetry/api';
import {
  Metadata,
  status as GrpcStatus,
  type sendUnaryData,
  type ServerDuplexStream,
  type ServerUnaryCall,
  type ServerWritableStream,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { AppError, permissionDenied, unauthenticated } from '../errors.js';
import type { Access } from '../auth/access.js';
import type { Authenticator } from '../auth/principal.js';
import type { Logger } from '../logger.js';
import { methodLabels, type GrpcType, type MethodLabels, type Metrics } from '../metrics.js';
import { endCallSpan, startCallSpan } from '../tracing.js';
import type { CallContext } from './call-context.js';
import { ClientAddressResolver } from './client-address.js';
import { guardPrincipal, type CallCredential, type PrincipalRevalidation } from './principal-guard.js';
import { readOneMessageAhead } from './read-ahead.js';
import { toGrpcError } from './status.js';
import type { StreamLease, StreamLimits } from './stream-limits.js';

type AnyMethod = {
  path: string;
  requestStream: boolean;
  responseStream: boolean;
  requestDeserialize: (b: Buffer) => any;
  responseSerialize: (v: any) => Buffer;
};
type Req<M> = M extends { requestDeserialize: (b: Buffer) => infer R } ? R : never;
type Res<M> = M extends { responseSerialize: (v: infer R) => Buffer } ? R : never;

export type UnaryHandler<Rq, Rs> = (request: Rq, ctx: CallContext) => Promise<Rs>;
export type ServerStreamHandler<Rq, Rs> = (request: Rq, stream: ServerWritableStream<Rq, Rs>, ctx: CallContext) => Promise<void>;
export type BidiStreamHandler<Rq, Rs> = (stream: ServerDuplexStream<Rq, Rs>, ctx: CallContext) => Promise<void>;

type HandlerFor<M> = M extends { requestStream: false; responseStream: false }
  ? UnaryHandler<Req<M>, Res<M>>
  : M extends { requestStream: false; responseStream: true }
    ? ServerStreamHandler<Req<M>, Res<M>>
    : M extends { requestStream: true; responseStream: true }
      ? BidiStreamHandler<Req<M>, Res<M>>
      : never;

/** Async handlers for every method of a ts-proto grpc-js service definition. */
export type ServiceHandlers<D> = { [K in keyof D]: HandlerFor<D[K]> };

/** What the glue needs from the running server. */
export interface CallEnvironment {
  logger: Logger;
  authenticator: Authenticator;
  /** Access declared for a method path; undefined means undeclared (refused, never open). */
  accessOf(path: string): Access | undefined;
  /** Counts calls in flight, so shutdown can wait for them. */
  track(delta: 1 | -1): void;
  /** Request counts, latencies, in-flight calls and open streams. */
  metrics?: Metrics;
  /** Reads the client's address behind trusted proxies; default: the direct peer's address. */
  clientAddresses?: ClientAddressResolver;
  /**
   * Aborted when the server starts shutting down. Long-lived streams (watches, scanner
   * streams) listen to it and end themselves with a status clients can resume from, instead of
   * being cut off when the grace period runs out.
   */
  readonly shuttingDown: AbortSignal;
  /** How open streams re-check their caller (principal-guard.ts). */
  revalidation: PrincipalRevalidation;
  /** Caps on concurrent streams per caller; every streaming call holds a lease while it is open. */
  readonly streamLimits: StreamLimits;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Marks a request message the server could not decode (see `tolerantDeserializer`). */
const MALFORMED = Symbol('malformed request');
/** The size in bytes of a received request message, as it came off the wire (see `receivedBytes`). */
const RECEIVED_BYTES = Symbol('received bytes');

/**
 * How many bytes a request message had on the wire: what a stream that queues messages counts
 * against its memory bound. 0 for a message that did not come through the pipeline.
 */
export function receivedBytes(message: unknown): number {
  return typeof message === 'object' && message !== null ? ((message as Record<symbol, number>)[RECEIVED_BYTES] ?? 0) : 0;
}

/** Marks a request message larger than its service accepts; it was not decoded at all. */
const OVERSIZED = Symbol('oversized request');

/** How a service is bound, beyond its handlers. */
export interface BindOptions {
  /**
   * Largest request message this service accepts, in bytes (below the server-wide limit).
   * Larger ones are refused undecoded: public services whose requests are a few names need not
   * hold (or decode) megabytes for anyone who asks.
   */
  maxRequestBytes?: number;
  /** Successful calls are logged at debug rather than info (health probes arrive every few seconds). */
  quiet?: boolean;
}

/** True for a message that arrived but could not be decoded; it carries only default field values. */
export function isMalformed(message: unknown): boolean {
  return typeof message === 'object' && message !== null && (MALFORMED in message || OVERSIZED in message);
}

/** The error a call (or a bidi stream) ends with for an undecodable or oversized request. */
export function rejectionOf(message: unknown): AppError {
  const oversized = typeof message === 'object' && message !== null && OVERSIZED in message;
  return oversized ? tooLarge((message as Record<symbol, number>)[OVERSIZED]!) : malformed();
}

/**
 * grpc-js answers INTERNAL when a request cannot be decoded (garbage bytes, an int64 beyond
 * 2^53). That is the caller's mistake, so decode failures become an empty message marked
 * MALFORMED: unary and server-streaming calls then fail with INVALID_ARGUMENT before the handler
 * runs; in bidi streams the handler sees an empty message and rejects that one item in-band.
 */
function tolerantDeserializer(decode: (b: Buffer) => any, maxBytes: number | undefined, requestStream: boolean): (b: Buffer) => any {
  return (bytes) => {
    if (maxBytes !== undefined && bytes.length > maxBytes) return Object.assign(decode(Buffer.alloc(0)), { [OVERSIZED]: maxBytes });
    try {
      const message = decode(bytes);
      // Only client streams queue messages; unary requests need no size tag.
      return requestStream ? Object.defineProperty(message, RECEIVED_BYTES, { value: bytes.length }) : message;
    } catch (error) {
      return Object.assign(decode(Buffer.alloc(0)), { [MALFORMED]: (error as Error).message });
    }
  };
}

const malformed = () =>
  new AppError(GrpcStatus.INVALID_ARGUMENT, 'MALFORMED_REQUEST', 'The request message could not be decoded (bad encoding, or a number out of range).');
const tooLarge = (maxBytes: number) =>
  new AppError(GrpcStatus.INVALID_ARGUMENT, 'REQUEST_TOO_LARGE', `The request message is larger than this method accepts (at most ${maxBytes} bytes).`, {
    metadata: { max_bytes: String(maxBytes) },
  });

/**
 * Adapts async handlers to grpc-js: per call it builds the context, enforces the declared access,
 * runs the handler, maps whatever it throws through the one error boundary, and logs one line
 * (method, code, duration, request id, org/user; never credentials or request bodies).
 */
/** A service ready for `server.addService`, with its full name (for health). */
export interface BoundService {
  name: string;
  definition: ServiceDefinition;
  implementation: UntypedServiceImplementation;
}

export function bindService<D extends Record<string, AnyMethod>>(
  definition: D,
  handlers: ServiceHandlers<D>,
  env: CallEnvironment,
  options: BindOptions = {},
): BoundService {
  const implementation: UntypedServiceImplementation = {};
  for (const [name, method] of Object.entries(definition)) {
    const handler = (handlers as Record<string, unknown>)[name] as (...args: any[]) => Promise<unknown>;
    if (typeof handler !== 'function') throw new Error(`No handler for ${method.path}`);
    // Made once per method, not per call: every call of the method carries the same labels.
    const labels = methodLabels(method.path, grpcTypeOf(method));
    if (!method.requestStream && !method.responseStream) {
      implementation[name] = (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
        void runCall(env, options, method.path, call, labels, async (ctx) => {
          if (isMalformed(call.request)) throw rejectionOf(call.request);
          const response = await handler(call.request, ctx);
          call.sendMetadata(responseMetadata(ctx));
          callback(null, response);
        }, (error) => callback(error));
      };
    } else if (!method.requestStream && method.responseStream) {
      implementation[name] = (call: ServerWritableStream<unknown, unknown>) => {
        void runCall(env, options, method.path, call, labels, async (ctx) => {
          if (isMalformed(call.request)) throw rejectionOf(call.request);
          call.sendMetadata(responseMetadata(ctx));
          await handler(call.request, call, ctx);
          endStreamOk(call, ctx);
        }, (error) => endStream(call, error));
      };
    } else if (method.requestStream && method.responseStream) {
      implementation[name] = (call: ServerDuplexStream<unknown, unknown>) => {
        readOneMessageAhead(call);
        void runCall(env, options, method.path, call, labels, async (ctx) => {
          call.sendMetadata(responseMetadata(ctx));
          await handler(call, ctx);
          endStreamOk(call, ctx);
        }, (error) => endStream(call, error));
      };
    } else {
      throw new Error(`Client-streaming methods are not used by IMSOP (${method.path})`);
    }
  }
  const firstPath = Object.values(definition)[0]!.path;
  const tolerant = Object.fromEntries(
    Object.entries(definition).map(([name, method]) => [
      name,
      counted({ ...method, requestDeserialize: tolerantDeserializer(method.requestDeserialize, options.maxRequestBytes, method.requestStream) }, env.metrics),
    ]),
  );
  return { name: firstPath.slice(1, firstPath.lastIndexOf('/')), definition: tolerant as unknown as ServiceDefinition, implementation };
}

const grpcTypeOf = (method: AnyMethod): GrpcType =>
  method.requestStream ? (method.responseStream ? 'bidi_stream' : 'client_stream') : method.responseStream ? 'server_stream' : 'unary';

/** Counts every message decoded and encoded for the method (grpc_server_msg_received/sent_total). */
function counted(method: AnyMethod, metrics: Metrics | undefined): AnyMethod {
  if (!metrics) return method;
  const labels = methodLabels(method.path, grpcTypeOf(method));
  const { requestDeserialize, responseSerialize } = method;
  return {
    ...method,
    requestDeserialize: (bytes) => {
      metrics.messageReceived(labels);
      return requestDeserialize(bytes);
    },
    responseSerialize: (value) => {
      metrics.messageSent(labels);
      return responseSerialize(value);
    },
  };
}

type AnyCall = ServerUnaryCall<unknown, unknown> | ServerWritableStream<unknown, unknown> | ServerDuplexStream<unknown, unknown>;

async function runCall(
  env: CallEnvironment,
  options: BindOptions,
  path: string,
  call: AnyCall,
  labels: MethodLabels,
  body: (ctx: CallContext) => Promise<void>,
  fail: (error: ReturnType<typeof toGrpcError>['error']) => void,
): Promise<void> {
  const started = performance.now();
  const streaming = labels.grpc_type !== 'unary';
  const { grpc_service, grpc_method } = labels;
  env.track(1);
  env.metrics?.callStarted(labels);
  env.metrics?.inFlight.inc();
  if (streaming) env.metrics?.openStreams.inc({ grpc_service, grpc_method });
  const trace = startCallSpan(path, call.metadata);
  const [ctx, detach, end] = createContext(env, path, call, trace.traceId);
  let stopGuard = () => {};
  let code: GrpcStatus = GrpcStatus.OK;
  let lease: StreamLease | undefined;
  try {
    if (ctx.deadline && ctx.deadline.getTime() <= Date.now()) {
      throw new AppError(GrpcStatus.DEADLINE_EXCEEDED, 'DEADLINE_EXCEEDED', 'The deadline passed before the call started.');
    }
    await otelContext.with(trace.context, async () => {
      const caller = await authorize(env, path, ctx);
      // Here, for every streaming method alike, so no handler can forget it; after the access
      // check so the principal's and organization's limits apply too.
      if (streaming) lease = env.streamLimits.acquire(streamCaller(ctx));
      if (caller) stopGuard = guardPrincipal(ctx, caller, streaming, env.authenticator, env.revalidation, end);
      await body(ctx);
    });
    // A stream the client cancelled, or whose deadline passed, ended there, not in success,
    // even when the handler wound down quietly.
    if (ctx.signal.aborted) code = cancelled(ctx).code;
  } catch (thrown) {
    const mapped = toGrpcError(ctx.signal.aborted && !(thrown instanceof AppError) ? cancelled(ctx) : thrown, ctx.requestId);
    code = mapped.error.code;
    if (mapped.unexpected) ctx.logger.error({ err: thrown }, 'unexpected failure');
    if (!ctx.signal.aborted || call.cancelled === false) {
      mapped.error.metadata.set('x-request-id', ctx.requestId);
      fail(mapped.error);
    }
  } finally {
    // The handler has returned: however the stream ended (completed, failed, cancelled, deadline,
    // shutdown), what it held is let go, and so is its slot.
    lease?.release();
    stopGuard();
    detach();
    env.track(-1);
    const durationMs = Math.round((performance.now() - started) * 100) / 100;
    env.metrics?.inFlight.dec();
    if (streaming) env.metrics?.openStreams.dec({ grpc_service, grpc_method });
    env.metrics?.callEnded(labels, code, durationMs);
    endCallSpan(trace.span, code, GrpcStatus[code] ?? String(code));
    const level = code === GrpcStatus.OK ? (options.quiet ? 'debug' : 'info') : code === GrpcStatus.INTERNAL || code === GrpcStatus.UNKNOWN ? 'error' : 'warn';
    ctx.logger[level]({ code: GrpcStatus[code], durationMs }, 'call finished');
  }
}

function streamCaller(ctx: CallContext) {
  const principal = ctx.principal;
  return {
    address: ctx.clientAddress,
    principal: principal ? `${principal.kind}:${principal.actorId}` : undefined,
    organization: principal?.organizationId,
  };
}

/**
 * A client ends a call at its deadline by cancelling it (RST_STREAM), and the cancellation
 * reaches the server a little before the server's own copy of the deadline runs out: the server
 * counts the timeout from when the call arrived, later than the client did. A cancellation that
 * close to the deadline is the deadline.
 */
const DEADLINE_CANCEL_TOLERANCE_MS = 1_000;

function cancelled(ctx: CallContext): AppError {
  // Ended by the server (see CallContext.signal), not by the client.
  if (ctx.signal.reason instanceof AppError) return ctx.signal.reason;
  const expired = ctx.deadline !== undefined && ctx.deadline.getTime() - Date.now() <= DEADLINE_CANCEL_TOLERANCE_MS;
  return expired
    ? new AppError(GrpcStatus.DEADLINE_EXCEEDED, 'DEADLINE_EXCEEDED', 'The deadline passed.')
    : new AppError(GrpcStatus.CANCELLED, 'CANCELLED', 'The call was cancelled by the client.');
}

const directPeerOnly = new ClientAddressResolver();

/**
 * The call's context, how to stop listening for its cancellation once it has ended, and how the
 * server ends it early (the handler stops on the aborted signal; the call ends with `reason`).
 */
function createContext(env: CallEnvironment, path: string, call: AnyCall, traceId: string | undefined): [CallContext, () => void, (reason: AppError) => void] {
  const given = call.metadata.get('x-request-id')[0];
  const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  const rawDeadline = call.getDeadline();
  const deadline = rawDeadline instanceof Date ? rawDeadline : Number.isFinite(rawDeadline) ? new Date(rawDeadline) : undefined;
  const peer = call.getPeer();
  const controller = new AbortController();
  const abort = () => controller.abort();
  (call as NodeJS.EventEmitter).on('cancelled', abort);
  // An ended call's stream still closes (and may say 'cancelled'): aborting then would only
  // build an AbortError nobody reads.
  const detach = () => (call as NodeJS.EventEmitter).removeListener('cancelled', abort);
  const ctx: CallContext = {
    requestId,
    method: path,
    logger: env.logger.child(traceId ? { requestId, method: path, traceId } : { requestId, method: path }),
    principal: null,
    metadata: call.metadata,
    peer,
    clientAddress: (env.clientAddresses ?? directPeerOnly).resolve(peer, call.metadata),
    deadline,
    signal: controller.signal,
    confirmPrincipal: async () => {},
  };
  return [ctx, detach, (reason) => controller.abort(reason)];
}

/** Checks the declared access; returns the credential and access of an authenticated call. */
async function authorize(env: CallEnvironment, path: string, ctx: CallContext): Promise<CallCredential | undefined> {
  const access = env.accessOf(path);
  if (!access) {
    // Fail closed: a method nobody declared access for is never callable.
    throw new AppError(GrpcStatus.PERMISSION_DENIED, 'ACCESS_UNDECLARED', 'This method has no declared access and cannot be called.');
  }
  if (access.kind === 'public') return undefined;
  const header = ctx.metadata.get('authorization')[0];
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header.trim()) : null;
  if (!match) throw unauthenticated('MISSING_CREDENTIALS', 'Send `authorization: Bearer <token>` metadata.');
  const principal = await env.authenticator.authenticate(match[1]!);
  ctx.principal = principal;
  ctx.logger = ctx.logger.child({ orgId: principal.organizationId, actorId: principal.actorId });
  if (access.kind === 'permission' && !principal.permissions.includes(access.permission)) {
    throw permissionDenied(access.permission);
  }
  return { credential: match[1]!, access };
}

function responseMetadata(ctx: CallContext): Metadata {
  const metadata = new Metadata();
  metadata.set('x-request-id', ctx.requestId);
  return metadata;
}

/** Ends a stream whose handler returned: OK, unless the server ended the call early (its reason is the status). */
function endStreamOk(call: ServerWritableStream<unknown, unknown> | ServerDuplexStream<unknown, unknown>, ctx: CallContext): void {
  if (ctx.signal.reason instanceof AppError) throw ctx.signal.reason;
  if (!call.writableEnded) call.end();
}

function endStream(call: ServerWritableStream<unknown, unknown> | ServerDuplexStream<unknown, unknown>, error: ReturnType<typeof toGrpcError>['error']): void {
  // grpc-js sends a stream's status through destroy()/emit('error'); emitting works on both kinds.
  call.emit('error', error);
}
