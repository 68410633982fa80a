import { randomUUID } from 'node:crypto';
import {
  ChannelCredentials,
  ClientError,
  createChannel,
  createClientFactory,
  Metadata,
  type CallOptions,
  type Channel,
  type ChannelOptions,
  type Client,
  type ClientMiddlewareCall,
  type TsProtoServiceDefinition,
} from 'nice-grpc';
import { deadlineMiddleware } from 'nice-grpc-client-middleware-deadline';
import { toImsopError } from './errors.js';
import { SERVICES, type ServiceKey } from './services.js';

export interface ImsopClientOptions {
  /** `host:port` of an IMSOP server or load balancer, e.g. `127.0.0.1:50051`. */
  address: string;
  /** Access token (from Login) or API key secret; sent as `authorization: Bearer ...`. Changeable later with `setCredential`. */
  credential?: string;
  /** `true` for TLS with the system's roots, or PEM root certificates; default plaintext. */
  tls?: boolean | { rootCerts: Buffer };
  /** Deadline for unary calls that set none, in ms (default 10 s). Streams get none. */
  defaultDeadlineMs?: number;
  /** Attempts for retryable calls on UNAVAILABLE (default 4; 1 disables retries). */
  maxAttempts?: number;
  /** Extra grpc-js channel options. */
  channelOptions?: ChannelOptions;
}

/** Typed promise clients for every IMSOP service, keyed as in {@link SERVICES}. */
export type ImsopClients = { [K in ServiceKey]: Client<(typeof SERVICES)[K]> };

export interface ImsopClient extends ImsopClients {
  /** Replaces the bearer credential for subsequent calls (e.g. after Login). */
  setCredential(credential: string | undefined): void;
  close(): void;
}

type Method = TsProtoServiceDefinition['methods'][string];
/** Reads are marked `idempotency_level = NO_SIDE_EFFECTS` in the contracts. */
const isRead = (m: Method) => m.options?.idempotencyLevel === 'NO_SIDE_EFFECTS';
const hasRequestId = (m: Method) => 'requestId' in ((m.requestType.fromPartial?.({}) ?? {}) as object);

/**
 * One call gives typed clients for every service over one channel, with:
 * - the bearer credential attached to every call;
 * - a default deadline on unary calls;
 * - a generated `request_id` on mutating calls that carry none, so retries are safe;
 * - retries of idempotent calls (reads, and writes carrying a request_id) on UNAVAILABLE,
 *   through gRPC's own retry policy (service config): the same bytes are re-sent;
 * - every failure thrown as an {@link ImsopError} with code, reason and field violations.
 *
 * @example
 * const imsop = createImsopClient({ address: '127.0.0.1:50051' });
 * const { accessToken } = await imsop.auth.login({ organization: 'demo', email, password });
 * imsop.setCredential(accessToken);
 * console.log(await imsop.auth.whoAmI({}));
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
  const channelCredentials =
    options.tls === true
      ? ChannelCredentials.createSsl()
      : options.tls
        ? ChannelCredentials.createSsl(options.tls.rootCerts)
        : ChannelCredentials.createInsecure();
  const channel: Channel = createChannel(options.address, channelCredentials, {
    'grpc.service_config': JSON.stringify(serviceConfig),
    'grpc.enable_retries': (options.maxAttempts ?? 4) > 1 ? 1 : 0,
    'grpc.keepalive_time_ms': 30_000,
    ...options.channelOptions,
  });
  const defaultDeadlineMs = options.defaultDeadlineMs ?? 10_000;

  async function* imsopMiddleware<Req, Res>(call: ClientMiddlewareCall<Req, Res>, callOptions: CallOptions & { deadline?: Date | number }) {
    const metadata = Metadata(callOptions.metadata);
    if (credential && !metadata.has('authorization')) metadata.set('authorization', `Bearer ${credential}`);
    let request = call.request;
    if (!call.requestStream && needsRequestId.has(call.method.path) && !(request as { requestId?: string }).requestId) {
      request = { ...request, requestId: randomUUID() } as Req;
    }
    // A number is a timeout in ms for the deadline middleware (which runs inside this one).
    const deadline = callOptions.deadline ?? (call.responseStream || call.requestStream ? undefined : defaultDeadlineMs);
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
      } as CallOptions);
    } catch (error) {
      if (error instanceof ClientError) throw toImsopError(error, trailer);
      throw error;
    }
  }

  // Middleware added later wraps the earlier: imsopMiddleware sees each call first, then the deadline one.
  const factory = createClientFactory().use(deadlineMiddleware).use(imsopMiddleware);
  const clients = Object.fromEntries(
    Object.entries(SERVICES).map(([key, definition]) => [key, factory.create(definition as TsProtoServiceDefinition, channel)]),
  ) as ImsopClients;
  return {
    ...clients,
    setCredential: (c) => {
      credential = c;
    },
    close: () => channel.close(),
  };
}
