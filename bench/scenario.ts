import type { Measurement } from './workers.js';
import type { BenchDatabase } from './environment.js';
import type { BooksCheck } from './reserve-levels.js';

export interface BenchOptions {
  durationMs: number;
  concurrency: number;
  /** Load-generator processes (each with its own channels). */
  processes: number;
  smoke: boolean;
  /** IMSOP_WORKERS of a second get-product server measured next to the single-process one (1: none). */
  workers: number;
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
  /**
   * Latency at a fixed arrival rate, when the scenario has a latency target; with `ceiling`, the
   * bare server at the same rate in the same run, and p99Ratio = measured p99 / ceiling p99.
   */
  atRate?: { ratePerSecond: number; measured: Measurement; ceiling?: Measurement; p99Ratio?: number };
  /** Reserve scenarios: the same load against a second server with RESERVATION_COALESCING=off. */
  coalescingOff?: Measurement;
  /** Reserve scenarios: oversell and ledger check of the reserved levels after the run. */
  books?: BooksCheck;
  /** Largest RSS of the server process during the measured window, MB (the row's headline figure). */
  maxRssMb?: number;
  /** Did the run meet the stated target? (undefined when it cannot be judged, e.g. smoke mode) */
  met?: boolean;
  notes: string[];
}

export interface Scenario {
  name: string;
  description: string;
  /** One result, or several rows (e.g. one per concurrency level) sharing their setup. */
  run(ctx: ScenarioContext): Promise<ScenarioResult | ScenarioResult[]>;
}
