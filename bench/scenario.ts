import type { Measurement } from './workers.js';
import type { BenchDatabase } from './environment.js';

export interface BenchOptions {
  durationMs: number;
  concurrency: number;
  /** Load-generator processes (each with its own channels). */
  processes: number;
  smoke: boolean;
}

export interface ScenarioContext extends BenchOptions {
  db: BenchDatabase;
  log(line: string): void;
}

/** One row of the report: the scenario next to its ceiling, measured in the same run. */
export interface ScenarioResult {
  name: string;
  target: string;
  measured: Measurement;
  ceiling?: { name: string; measured: Measurement };
  /** measured / ceiling throughput (or the scenario's own ratio, e.g. page depth cost). */
  ratio?: number;
  /** Latency at a fixed arrival rate, when the scenario has a latency target. */
  atRate?: { ratePerSecond: number; measured: Measurement };
  /** Did the run meet the stated target? (undefined when it cannot be judged, e.g. smoke mode) */
  met?: boolean;
  notes: string[];
}

export interface Scenario {
  name: string;
  description: string;
  run(ctx: ScenarioContext): Promise<ScenarioResult>;
}
