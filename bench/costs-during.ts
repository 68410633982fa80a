import { DatabaseCpuSampler } from './database-cpu.js';
import { MachineLoadSampler } from './machine-load.js';
import { serverCost } from './server-cost.js';
import type { Measurement } from './workers.js';

/** The cost parts of a Measurement that a run of work outside `measure` can report. */
export type WorkCosts = Pick<Measurement, 'machineBusyPercent' | 'databaseCpuUsPerCall' | 'server'>;

/**
 * Runs `work` and reports, over the time it ran, how busy the machine was, the database's CPU
 * per operation and (given its pid) the server's CPU and GC per operation, with `count(result)`
 * operations. For scenarios whose load runs in their own workers rather than through `measure`
 * (streams): their start-up falls inside the window, a fraction of a second in ten.
 */
export async function costsDuring<T>(
  serverPid: number | undefined,
  work: () => Promise<T>,
  count: (result: T) => number,
): Promise<{ result: T; costs: WorkCosts }> {
  const machine = new MachineLoadSampler();
  const database = new DatabaseCpuSampler();
  const from = Date.now();
  let result: T;
  try {
    result = await work();
  } catch (error) {
    // Stopped on failure too: their timers would hold the process open.
    machine.stop(0, 0);
    database.stop();
    throw error;
  }
  const to = Date.now();
  const machineBusyPercent = machine.stop(from, to);
  const databaseCpuUs = database.stop(from, to);
  const operations = Math.max(1, count(result));
  const server = serverPid === undefined ? undefined : await serverCost(serverPid, from, to, operations);
  return {
    result,
    costs: {
      ...(machineBusyPercent === undefined ? {} : { machineBusyPercent }),
      ...(databaseCpuUs === undefined ? {} : { databaseCpuUsPerCall: Math.round(databaseCpuUs / operations) }),
      ...(server === undefined ? {} : { server }),
    },
  };
}
