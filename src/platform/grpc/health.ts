/**
 * The standard gRPC health service (grpc.health.v1.Health: Check, Watch, List), used by
 * load balancers, Kubernetes probes and `grpc_health_probe`.
 * Protocol: https://github.com/grpc/grpc/blob/master/doc/health-checking.md
 *
 * Public, so it goes through the same call pipeline as every other service (stream limits,
 * request size cap, error mapping); service names are bounded: a watch keeps its name for as
 * long as it is open.
 */
import {
  HealthService as HealthServiceDefinition,
  HealthCheckResponse_ServingStatus as ServingStatus,
  type HealthCheckRequest,
  type HealthCheckResponse,
  type HealthListResponse,
} from '../../../gen/ts/grpc/health/v1/health.js';
import { AppError, GrpcStatus } from '../errors.js';
import { Violations } from '../validation.js';
import { bindService, publicMethod, type BoundService, type CallEnvironment } from './bind-service.js';
import type { CallContext } from './call-context.js';

export type HealthStatus = 'SERVING' | 'NOT_SERVING';

/** Longest service name asked about; real ones (fully-qualified proto service names) are far shorter. */
export const MAX_SERVICE_NAME_BYTES = 512;
/** A request is one name: anything much larger is refused before it is decoded. */
const MAX_REQUEST_BYTES = 1024;

interface Watcher {
  service: string;
  write(response: HealthCheckResponse): void;
  /** Ends the watch (the pipeline then closes the stream with OK). */
  end(): void;
  /** Last status sent, so a watcher only hears about real changes. */
  last: ServingStatus;
}

export class HealthService {
  /** service name ("" = the whole server) -> status; absent = unknown service. */
  private readonly statuses = new Map<string, ServingStatus>();
  private readonly watchers = new Set<Watcher>();
  private shuttingDown = false;

  /** The overall status ("") starts SERVING, as the server is healthy once it is listening. */
  constructor(initial: Record<string, HealthStatus> = { '': 'SERVING' }) {
    for (const [name, status] of Object.entries(initial)) this.statuses.set(name, ServingStatus[status]);
  }

  /** The service bound through the call pipeline, ready for `server.addService`. */
  bind(env: CallEnvironment): BoundService {
    return bindService(
      HealthServiceDefinition,
      {
        check: publicMethod(async (request) => {
          const service = serviceName(request);
          const status = this.statuses.get(service);
          if (status === undefined) {
            throw new AppError(GrpcStatus.NOT_FOUND, 'SERVICE_NOT_FOUND', `Unknown service ${service}.`, {
              metadata: { service },
            });
          }
          return { status };
        }),
        watch: publicMethod((request, call, ctx) => this.watch(serviceName(request), call, ctx)),
        list: publicMethod(async () => {
          const statuses: HealthListResponse['statuses'] = {};
          for (const [name, status] of this.statuses) statuses[name] = { status };
          return { statuses };
        }),
      },
      env,
      { maxRequestBytes: MAX_REQUEST_BYTES, quiet: true },
    );
  }

  /** Set a service's status ("" = overall) and notify its watchers. Ignored after shutdown(). */
  setStatus(serviceName: string, status: HealthStatus): void {
    // Once draining, nothing may flip us back to SERVING (same rule as grpc-go's Shutdown).
    if (this.shuttingDown) return;
    this.update(serviceName, ServingStatus[status]);
  }

  /**
   * For graceful shutdown: mark every known service NOT_SERVING so probes and balancers
   * stop routing here, tell the watchers, then end their streams so server.tryShutdown()
   * is not held open by them.
   */
  shutdown(): void {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    for (const name of this.statuses.keys()) this.update(name, ServingStatus.NOT_SERVING);
    for (const watcher of this.watchers) watcher.end();
    this.watchers.clear();
  }

  /** Open until the client leaves or the server shuts down. */
  private async watch(
    service: string,
    call: { write(r: HealthCheckResponse): boolean },
    ctx: CallContext,
  ): Promise<void> {
    // Unknown services get SERVICE_UNKNOWN but the stream stays open: they may appear later.
    const current = this.statuses.get(service) ?? ServingStatus.SERVICE_UNKNOWN;
    call.write({ status: current });
    if (this.shuttingDown || ctx.cancellation.aborted) return;
    await new Promise<void>((resolve) => {
      const watcher: Watcher = {
        service,
        last: current,
        // Statuses change a handful of times in a server's life: what a non-reading watcher
        // leaves buffered stays small, so no backpressure here.
        write: (response) => void call.write(response),
        end: () => resolve(),
      };
      this.watchers.add(watcher);
      ctx.cancellation.signal.addEventListener(
        'abort',
        () => {
          this.watchers.delete(watcher);
          resolve();
        },
        { once: true },
      );
    });
  }

  private update(serviceName: string, status: ServingStatus): void {
    this.statuses.set(serviceName, status);
    for (const watcher of this.watchers) {
      if (watcher.service !== serviceName || watcher.last === status) continue;
      watcher.last = status;
      watcher.write({ status });
    }
  }
}

/** @throws AppError INVALID_ARGUMENT when the name is longer than any service's. */
function serviceName(request: HealthCheckRequest): string {
  new Violations().maxBytes('service', request.service, MAX_SERVICE_NAME_BYTES).throwIfAny();
  return request.service;
}
