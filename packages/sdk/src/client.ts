import { randomUUID } from 'node:crypto';
import type { PeerCertificate } from 'node:tls';
import {
  ChannelCredentials,
  ClientError,
  createChannel,
  createClientFactory,
  Metadata,
  Status,
  type CallOptions,
  type Channel,
  type ChannelOptions,
  type Client,
  type ClientMiddleware,
  type ClientMiddlewareCall,
  type TsProtoServiceDefinition,
} from 'nice-grpc';
import { deadlineMiddleware, type DeadlineOptions } from 'nice-grpc-client-middleware-deadline';
import { ImsopError, toImsopError } from './errors.js';
import { SERVICES, type ServiceKey } from './services.js';

/**
 * What every call accepts besides its request: `deadline` (a Date, or a timeout in ms),
 * `signal` (an AbortSignal that cancels the call), `metadata` (`Metadata({ ... })`), and
 * `onHeader` / `onTrailer`.
 */
export type ImsopCallOptions = CallOptions & DeadlineOptions;

/**
 * A client middleware (nice-grpc's): an async generator wrapping each call, for logging,
 * tracing (add a `traceparent` to `options.metadata`), metrics. Failures reach it as ImsopError.
 *
 * ```ts
 * const logging: ImsopMiddleware = async function* (call, options) {
 *   const started = Date.now();
 *   try { return yield* call.next(call.request, options); }
 *   finally { console.log(call.method.path, Date.now() - started, 'ms'); }
 * };
 * ```
 */
export type ImsopMiddleware = ClientMiddleware<DeadlineOptions>;

/** A credential, or a function giving the current one for each call (e.g. a token it refreshes). */
export type CredentialSource = string | (() => string | undefined | Promise<string | undefined>);

export interface ImsopClientOptions {
  /** `host:port` of an IMSOP server or load balancer, e.g. `127.0.0.1:50051` (any gRPC target, e.g. `ipv4:a:1,b:2`). */
  address: string;
  /**
   * Access token (from Login) or API key secret, sent as `authorization: Bearer ...`; or a
   * function called before every call that returns the current one. Changeable with `setCredential`.
   */
  credential?: CredentialSource;
  /**
   * Auth refresh: called when a unary call fails with UNAUTHENTICATED; a credential it returns
   * replaces the current one and the call is made once more (it failed before doing anything).
   * Return `undefined` to let the failure through.
   */
  refreshCredential?: (error: ImsopError) => string | undefined | Promise<string | undefined>;
  /**
   * `true` for TLS with the system's roots; or PEM root certificates to trust, and optionally
   * `checkServerIdentity` (Node's; return an Error to refuse). Default: plaintext.
   */
  tls?:
    | boolean
    | { rootCerts?: Buffer; checkServerIdentity?: (hostname: string, cert: PeerCertificate) => Error | undefined };
  /** Deadline for unary calls that set none, in ms (default 10 s). Streams get none. */
  defaultDeadlineMs?: number;
  /** Attempts for retryable calls on UNAVAILABLE (default 4; 1 disables retries). */
  maxAttempts?: number;
  /** Client middleware around every call, the first listed outermost (see ImsopMiddleware). */
  middleware?: readonly ImsopMiddleware[];
  /** Extra grpc-js channel options. */
  channelOptions?: ChannelOptions;
}

/** Typed promise clients for every IMSOP service, keyed as in {@link SERVICES}; every method takes ImsopCallOptions. */
export type ImsopClients = { [K in ServiceKey]: Client<(typeof SERVICES)[K], DeadlineOptions> };

export interface ImsopClient extends ImsopClients {
  /** Replaces the bearer credential (or its source) for subsequent calls (e.g. after Login). */
  setCredential(credential: CredentialSource | undefined): void;
  close(): void;
}

type Method = TsProtoServiceDefinition['methods'][string];
/** Reads are marked `idempotency_level = NO_SIDE_EFFECTS` in the contracts. */
const isRead = (m: Method) => m.options?.idempotencyLevel === 'NO_SIDE_EFFECTS';
const hasRequestId = (m: Method) => 'requestId' in ((m.requestType.fromPartial?.({}) ?? {}) as object);

function channelCredentials(tls: ImsopClientOptions['tls']): ChannelCredentials {
  if (!tls) return ChannelCredentials.createInsecure();
  if (tls === true) return ChannelCredentials.createSsl();
  return ChannelCredentials.createSsl(
    tls.rootCerts ?? null,
    null,
    null,
    tls.checkServerIdentity ? { checkServerIdentity: tls.checkServerIdentity } : {},
  );
}

/**
 * One call gives typed clients for every service over one channel, with:
 * - the bearer credential attached to every call (refreshed through `refreshCredential`);
 * - a default deadline on unary calls, and typed per-call options (deadline, signal, metadata);
 * - a generated `request_id` on mutating calls that carry none, so retries are safe;
 * - retries of idempotent calls (reads, and writes carrying a request_id) on UNAVAILABLE,
 *   through gRPC's own retry policy (service config): the same bytes are re-sent;
 * - every failure thrown as an {@link ImsopError} with code, typed reason and field violations;
 * - your middleware around each call (logging, tracing).
 *
 * @example
 * const imsop = createImsopClient({ address: '127.0.0.1:50051' });
 * const { accessToken } = await imsop.auth.login({ organization: 'demo', email, password });
 * imsop.setCredential(accessToken);
 * console.log(await imsop.auth.whoAmI({}, { deadline: 2_000 }));
 */
export function createImsopClient(options: ImsopClientOptions): ImsopClient {
  let credential = options.credential;
  const retryable: { service: string; method: string }[] = [];
  const needsRequestId = new Set<string>();
  for (const definition of Object.values(SERVICES) as TsProtoServiceDefinition[]) {
    for (const method of Object.values(definition.methods)) {
      const path = `/${definition.fullName}/${method.name}`;
      if (hasRequestId(method)) needsRequestId.add(path);
      if (!method.requestStream && !method.responseStream && (isRead(method) || hasRequestId(method))) {
        retryable.push({ service: definition.fullName, method: method.name });
      }
    }
  }
  const serviceConfig = {
    methodConfig: [
      {
        name: retryable,
        retryPolicy: {
          maxAttempts: Math.max(2, options.maxAttempts ?? 4),
          initialBackoff: '0.1s',
          maxBackoff: '2s',
          backoffMultiplier: 2,
          retryableStatusCodes: ['UNAVAILABLE'],
        },
      },
    ],
  };
  const channel: Channel = createChannel(options.address, channelCredentials(options.tls), {
    'grpc.service_config': JSON.stringify(serviceConfig),
    'grpc.enable_retries': (options.maxAttempts ?? 4) > 1 ? 1 : 0,
    'grpc.keepalive_time_ms': 30_000,
    ...options.channelOptions,
  });
  const defaultDeadlineMs = options.defaultDeadlineMs ?? 10_000;
  const currentCredential = async () => (typeof credential === 'function' ? await credential() : credential);

  async function* imsopMiddleware<Req, Res>(call: ClientMiddlewareCall<Req, Res>, callOptions: ImsopCallOptions) {
    let request = call.request;
    if (!call.requestStream && needsRequestId.has(call.method.path) && !(request as { requestId?: string }).requestId) {
      request = { ...request, requestId: randomUUID() } as Req;
    }
    // A number is a timeout in ms for the deadline middleware (which runs inside this one).
    const deadline =
      callOptions.deadline ?? (call.responseStream || call.requestStream ? undefined : defaultDeadlineMs);
    const attempt = async function* (token: string | undefined) {
      const metadata = Metadata(callOptions.metadata);
      if (token && !metadata.has('authorization')) metadata.set('authorization', `Bearer ${token}`);
      let trailer: Metadata | undefined;
      try {
        return yield* call.next(request, {
          ...callOptions,
          metadata,
          deadline,
          onTrailer: (t: Metadata) => {
            trailer = t;
            callOptions.onTrailer?.(t);
          },
        } as ImsopCallOptions);
      } catch (error) {
        if (error instanceof ClientError) throw toImsopError(error, trailer);
        throw error;
      }
    };
    try {
      return yield* attempt(await currentCredential());
    } catch (error) {
      // Only a unary call can be made again: a stream's requests are consumed.
      const refresh = options.refreshCredential;
      if (
        !refresh ||
        call.requestStream ||
        call.responseStream ||
        !(error instanceof ImsopError) ||
        error.code !== Status.UNAUTHENTICATED
      )
        throw error;
      const renewed = await refresh(error);
      if (renewed === undefined) throw error;
      credential = renewed;
      return yield* attempt(renewed);
    }
  }

  // Middleware added later wraps the earlier: the caller's middleware sees each call first, then
  // imsopMiddleware, then the deadline one.
  let factory = createClientFactory().use(deadlineMiddleware).use(imsopMiddleware);
  for (const middleware of [...(options.middleware ?? [])].reverse()) factory = factory.use(middleware);
  const clients = Object.fromEntries(
    Object.entries(SERVICES).map(([key, definition]) => [
      key,
      factory.create(definition as TsProtoServiceDefinition, channel),
    ]),
  ) as ImsopClients;
  return {
    ...clients,
    setCredential: (c) => {
      credential = c;
    },
    close: () => channel.close(),
  };
}
