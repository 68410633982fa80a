import {
  Metadata,
  type sendUnaryData,
  type ServerDuplexStream,
  type ServerUnaryCall,
  type ServerWritableStream,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import type { Access } from '../auth/access.js';
import { AppError } from '../errors.js';
import { methodLabels, type GrpcType, type Metrics } from '../metrics.js';
import type { AuthenticatedCallContext, CallContext } from './call-context.js';
import type { CallEnvironment } from './call-environment.js';
import { EncodedResponse } from './encoded-response.js';
import { callPipeline } from './pipeline/call-pipeline.js';
import type { Pipeline, PipelineMethod, ServerCall } from './pipeline/middleware.js';
import { openCall, type GrpcCall } from './pipeline/open-call.js';
import { readOneMessageAhead } from './read-ahead.js';
import { isMalformed, rejectionOf, tolerantDeserializer } from './request-decoding.js';
import type { MappedError } from './status.js';

export type { CallEnvironment } from './call-environment.js';

type AnyMethod = {
  path: string;
  requestStream: boolean;
  responseStream: boolean;
  requestDeserialize: (b: Buffer) => any;
  responseSerialize: (v: any) => Buffer;
};
type Req<M> = M extends { requestDeserialize: (b: Buffer) => infer R } ? R : never;
type Res<M> = M extends { responseSerialize: (v: infer R) => Buffer } ? R : never;

export type UnaryHandler<Rq, Rs, C extends CallContext = AuthenticatedCallContext> = (
  request: Rq,
  ctx: C,
) => Promise<Rs>;
export type ServerStreamHandler<Rq, Rs, C extends CallContext = AuthenticatedCallContext> = (
  request: Rq,
  stream: ServerWritableStream<Rq, Rs>,
  ctx: C,
) => Promise<void>;
export type BidiStreamHandler<Rq, Rs, C extends CallContext = AuthenticatedCallContext> = (
  stream: ServerDuplexStream<Rq, Rs>,
  ctx: C,
) => Promise<void>;

type HandlerFor<M, C extends CallContext> = M extends { requestStream: false; responseStream: false }
  ? UnaryHandler<Req<M>, Res<M> | EncodedResponse<Res<M>>, C>
  : M extends { requestStream: false; responseStream: true }
    ? ServerStreamHandler<Req<M>, Res<M>, C>
    : M extends { requestStream: true; responseStream: true }
      ? BidiStreamHandler<Req<M>, Res<M>, C>
      : never;

/** The handler of a method its proto declares public; it gets a context without principal. Made by `publicMethod`. */
export class PublicMethod<H> {
  constructor(readonly handler: H) {}
}

/**
 * Marks the handler of a method its proto declares public (`(imsop.api.v1.access) = {public:
 * true}`): it runs without credentials, so its context has no principal. Every other handler
 * gets an `AuthenticatedCallContext`. Which is which must match the declared access, or the
 * server does not start (`bindService` throws).
 */
export const publicMethod = <H>(handler: H): PublicMethod<H> => new PublicMethod(handler);

/**
 * Async handlers for every method of a ts-proto grpc-js service definition: plain functions
 * for methods that require an authenticated caller, `publicMethod(...)` for public ones.
 */
export type ServiceHandlers<D> = {
  [K in keyof D]: HandlerFor<D[K], AuthenticatedCallContext> | PublicMethod<HandlerFor<D[K], CallContext>>;
};

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

/** A service ready for `server.addService`, with its full name (for health). */
export interface BoundService {
  name: string;
  definition: ServiceDefinition;
  implementation: UntypedServiceImplementation;
}

type AnyHandler = (...args: any[]) => Promise<unknown>;

/**
 * Adapts async handlers to grpc-js: every call runs through the call pipeline
 * (pipeline/call-pipeline.ts: in-flight count, metrics, span, log line, error boundary,
 * deadline, access, stream limits, principal guard), then its handler.
 * @throws Error at server start when a method declares no access, or its handler does not
 *   match the access it declares (a public method without `publicMethod`, or the reverse).
 */
export function bindService<D extends Record<string, AnyMethod>>(
  definition: D,
  handlers: ServiceHandlers<D>,
  env: CallEnvironment,
  options: BindOptions = {},
): BoundService {
  const implementation: UntypedServiceImplementation = {};
  for (const [name, method] of Object.entries(definition)) {
    // Made once per method, not per call: every call of the method carries the same labels.
    const grpcType = grpcTypeOf(method);
    const { handler, pipeline } = bindingOf(
      method.path,
      (handlers as Record<string, unknown>)[name],
      env,
      grpcType !== 'unary',
    );
    const about: PipelineMethod = {
      path: method.path,
      labels: methodLabels(method.path, grpcType),
      streaming: grpcType !== 'unary',
      quiet: options.quiet ?? false,
    };
    if (grpcType === 'unary') {
      implementation[name] = (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
        runCall(
          env,
          pipeline,
          about,
          call,
          (error) => callback(error),
          async (ctx) => {
            if (isMalformed(call.request)) throw rejectionOf(call.request);
            const response = await handler(call.request, ctx);
            call.sendMetadata(responseMetadata(ctx));
            callback(null, response);
          },
        );
      };
    } else if (grpcType === 'server_stream') {
      implementation[name] = (call: ServerWritableStream<unknown, unknown>) => {
        runCall(
          env,
          pipeline,
          about,
          call,
          (error) => endStream(call, error),
          async (ctx) => {
            if (isMalformed(call.request)) throw rejectionOf(call.request);
            call.sendMetadata(responseMetadata(ctx));
            await handler(call.request, call, ctx);
            endStreamOk(call, ctx);
          },
        );
      };
    } else if (grpcType === 'bidi_stream') {
      implementation[name] = (call: ServerDuplexStream<unknown, unknown>) => {
        readOneMessageAhead(call);
        runCall(
          env,
          pipeline,
          about,
          call,
          (error) => endStream(call, error),
          async (ctx) => {
            call.sendMetadata(responseMetadata(ctx));
            await handler(call, ctx);
            endStreamOk(call, ctx);
          },
        );
      };
    } else {
      throw new Error(`Client-streaming methods are not used by IMSOP (${method.path})`);
    }
  }
  const firstPath = Object.values(definition)[0]!.path;
  const tolerant = Object.fromEntries(
    Object.entries(definition).map(([name, method]) => [
      name,
      counted(
        {
          ...method,
          requestDeserialize: tolerantDeserializer(
            method.requestDeserialize,
            options.maxRequestBytes,
            method.requestStream,
          ),
          responseSerialize: passingEncoded(method.responseSerialize),
        },
        env.metrics,
      ),
    ]),
  );
  return {
    name: firstPath.slice(1, firstPath.lastIndexOf('/')),
    definition: tolerant as unknown as ServiceDefinition,
    implementation,
  };
}

/**
 * The method's handler and the pipeline its calls run through, chosen by the access its proto
 * declares; checked here, at server start, so a handler never meets a call it was not written
 * for.
 */
function bindingOf(
  path: string,
  bound: unknown,
  env: CallEnvironment,
  streaming: boolean,
): { handler: AnyHandler; pipeline: Pipeline<CallContext> } {
  const access = env.accessOf(path);
  // Fail closed: a method nobody declared access for is never served.
  if (!access) throw new Error(`${path} declares no access: give it an (imsop.api.v1.access) option in its proto`);
  if (bound instanceof PublicMethod) {
    if (access.kind !== 'public') {
      throw new Error(
        `${path} is bound with publicMethod(), but its proto declares ${describeAccess(access)}: its handler must take the authenticated context`,
      );
    }
    if (typeof bound.handler !== 'function') throw new Error(`No handler for ${path}`);
    return { handler: bound.handler as AnyHandler, pipeline: callPipeline(env, access, streaming) };
  }
  if (typeof bound !== 'function') throw new Error(`No handler for ${path}`);
  if (access.kind === 'public') {
    throw new Error(
      `${path} is declared public in its proto, but its handler expects an authenticated caller: bind it with publicMethod()`,
    );
  }
  // The handler takes an AuthenticatedCallContext, the context this pipeline ends with.
  return {
    handler: bound as AnyHandler,
    pipeline: callPipeline(env, access, streaming) as unknown as Pipeline<CallContext>,
  };
}

const describeAccess = (access: Access) =>
  access.kind === 'permission' ? `permission ${access.permission}` : `${access.kind} access`;

/** Runs one call through its method's pipeline, then `handle` (the handler, and the response it gives). */
function runCall<C extends CallContext>(
  env: CallEnvironment,
  pipeline: Pipeline<C>,
  method: PipelineMethod,
  grpcCall: GrpcCall,
  fail: ServerCall['fail'],
  handle: (ctx: C) => Promise<void>,
): void {
  const opened = openCall(grpcCall, method, env.logger, env.clientAddresses, fail);
  void pipeline.run(opened.call, opened.ctx, handle).finally(opened.close);
}

const grpcTypeOf = (method: AnyMethod): GrpcType =>
  method.requestStream
    ? method.responseStream
      ? 'bidi_stream'
      : 'client_stream'
    : method.responseStream
      ? 'server_stream'
      : 'unary';

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

/** The method's serializer, except that a response already encoded (EncodedResponse) is sent as it is. */
function passingEncoded(serialize: (value: unknown) => Buffer): (value: unknown) => Buffer {
  return (value) => (value instanceof EncodedResponse ? value.bytes : serialize(value));
}

function responseMetadata(ctx: CallContext): Metadata {
  const metadata = new Metadata();
  metadata.set('x-request-id', ctx.requestId);
  return metadata;
}

/** Ends a stream whose handler returned: OK, unless the server ended the call early (its reason is the status). */
function endStreamOk(
  call: ServerWritableStream<unknown, unknown> | ServerDuplexStream<unknown, unknown>,
  ctx: CallContext,
): void {
  if (ctx.cancellation.reason instanceof AppError) throw ctx.cancellation.reason;
  if (!call.writableEnded) call.end();
}

function endStream(
  call: ServerWritableStream<unknown, unknown> | ServerDuplexStream<unknown, unknown>,
  error: MappedError['error'],
): void {
  // grpc-js sends a stream's status through destroy()/emit('error'); emitting works on both kinds.
  call.emit('error', error);
}
