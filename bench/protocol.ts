/** What the orchestrator asks a load worker to do, and what it reports back. */
export interface WorkerJob {
  durationMs: number;
  mode: { kind: 'closed'; concurrency: number } | { kind: 'rate'; ratePerSecond: number };
  target:
    | {
        kind: 'grpc';
        address: string;
        /** Full method path; requests are pre-encoded so client cost is identical for every target. */
        path: string;
        requestsBase64: string[];
        metadata: Record<string, string>;
        channels: number;
      }
    | {
        kind: 'sql';
        url: string;
        sql: string;
        params: unknown[][];
        connections: number;
        /** Run inside BEGIN/COMMIT after `setup` statements (what the service does per request). */
        transaction?: boolean;
        setup?: { sql: string; params: unknown[] }[];
      };
}

export interface WorkerResult {
  ok: number;
  errors: Record<string, number>;
  /** HDR histogram of latencies in µs, compressed base64. */
  histogram: string;
  /** The recorded window (after the warm-up), epoch ms: when server-side samples count. */
  windowStart: number;
  windowEnd: number;
  /** This load generator's own CPU time (user + system) in the recorded window, µs. */
  cpuUs: number;
}
