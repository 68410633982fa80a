/**
 * The standard gRPC health service (grpc.health.v1.Health: Check, Watch, List), used by
 * load balancers, Kubernetes probes and `grpc_health_probe`.
 * Protocol: https://github.com/grpc/grpc/blob/master/doc/health-checking.md
 */
import * as grpc from "@grpc/grpc-js";
import {
  HealthService as HealthServiceDefinition,
  HealthCheckResponse_ServingStatus as ServingStatus,
  type HealthCheckRequest,
  type HealthCheckResponse,
  type HealthServer,
} from "../../../gen/ts/grpc/health/v1/health.js";

export type HealthStatus = "SERVING" | "NOT_SERVING";

interface Watcher {
  service: string;
  call: grpc.ServerWritableStream<HealthCheckRequest, HealthCheckResponse>;
  /** Last status sent, so a watcher only hears about real changes. */
  last: ServingStatus;
}

export class HealthService {
  /** service name ("" = the whole server) -> status; absent = unknown service. */
  private readonly statuses = new Map<string, ServingStatus>();
  private readonly watchers = new Set<Watcher>();
  private shuttingDown = false;

  /** The overall status ("") starts SERVING, as the server is healthy once it is listening. */
  constructor(initial: Record<string, HealthStatus> = { "": "SERVING" }) {
    for (const [name, status] of Object.entries(initial)) this.statuses.set(name, ServingStatus[status]);
  }

  register(server: grpc.Server): void {
    const impl: HealthServer = {
      check: (call, callback) => {
        const status = this.statuses.get(call.request.service);
        if (status === undefined) {
          callback({ code: grpc.status.NOT_FOUND, details: `unknown service ${call.request.service}` });
        } else {
          callback(null, { status });
        }
      },
      watch: (call) => {
        const service = call.request.service;
        // Unknown services get SERVICE_UNKNOWN but the stream stays open: they may appear later.
        const current = this.statuses.get(service) ?? ServingStatus.SERVICE_UNKNOWN;
        call.write({ status: current });
        if (this.shuttingDown) {
          call.end();
          return;
        }
        const watcher: Watcher = { service, call, last: current };
        this.watchers.add(watcher);
        call.on("cancelled", () => this.watchers.delete(watcher));
        call.on("error", () => this.watchers.delete(watcher));
      },
      list: (_call, callback) => {
        const statuses: Record<string, HealthCheckResponse> = {};
        for (const [name, status] of this.statuses) statuses[name] = { status };
        callback(null, { statuses });
      },
    };
    server.addService(HealthServiceDefinition, impl);
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
    for (const watcher of this.watchers) watcher.call.end();
    this.watchers.clear();
  }

  private update(serviceName: string, status: ServingStatus): void {
    this.statuses.set(serviceName, status);
    for (const watcher of this.watchers) {
      if (watcher.service !== serviceName || watcher.last === status) continue;
      watcher.last = status;
      watcher.call.write({ status });
    }
  }
}
