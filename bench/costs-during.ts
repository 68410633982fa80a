import { DatabaseCpuSampler } from './database-cpu.js';
import { MachineLoadSampler } from './machine-load.js';
import { RssSampler } from './rss.js';
import { serverCost } from './server-cost.js';
import type { Measurement } from './workers.js';

/** The cost parts of a Measurement: what a window of work cost the server, the machine and the database. */
export type WorkCosts = Pick<Measurement, 'maxRssMb' | 'server' | 'machineBusyPercent' | 'databaseCpuUsPerCall'>;

/** What a run of work reports for its costs: its operations, and the window they were counted in. */
export interface CountedWork {
  operations: number;
  /** Epoch ms; default the whole time the work ran (its start-up too: a fraction of a second in ten). */
  window?: { from: number; to: number };
}

/**
 * Runs `work` and reports, over its window: how busy the whole machine was, the database's CPU
 * per operation, and for `server` its largest RSS and (when it serves the operations counted: a
 * cluster primary only hands connections on) its CPU and GC per operation.
 */
export async function costsDuring<T>(
  server: { pid: number; servesCalls: boolean } | undefined,
  work: () => Promise<T>,
  counted: (result: T) => CountedWork,
): Promise<{ result: T; costs: WorkCosts }> {
  const rss = server && new RssSampler(server.pid);
  const machine = new MachineLoadSampler();
  const database = new DatabaseCpuSampler();
  const started = Date.now();
  let result: T;
  try {
    result = await work();
  } catch (error) {
    // Stopped on failure too: their timers would hold the process open.
    rss?.stop();
    machine.stop(0, 0);
    database.stop();
    throw error;
  }
  const { operations, window = { from: started, to: Date.now() } } = counted(result);
  const { from, to } = window;
  const maxRssMb = rss?.stop(from, to);
  const machineBusyPercent = machine.stop(from, to);
  const databaseCpuUs = database.stop(from, to);
  const cost = server?.servesCalls ? await serverCost(server.pid, from, to, operations) : undefined;
  return {
    result,
    costs: {
      ...(maxRssMb === undefined ? {} : { maxRssMb }),
      ...(cost === undefined ? {} : { server: cost }),
      ...(machineBusyPercent === undefined ? {} : { machineBusyPercent }),
      ...(databaseCpuUs === undefined
        ? {}
        : { databaseCpuUsPerCall: Math.round(databaseCpuUs / Math.max(1, operations)) }),
    },
  };
}
