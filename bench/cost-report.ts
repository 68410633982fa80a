import type { ScenarioResult } from './scenario.js';
import type { ServerCost } from './server-cost.js';
import type { Measurement } from './workers.js';

/**
 * A report row's costs, one line per measurement in it: how busy the whole machine was, what
 * the server spent per call (when it ran the probe), what the load generators spent, and what
 * the database spent (when it runs on this machine).
 */
export function costLines(row: ScenarioResult): string[] {
  const rate = row.atRate ? `at ${row.atRate.ratePerSecond}/s` : '';
  const measured: [string, Measurement | undefined][] = [
    ['measured', row.measured],
    ['ceiling', row.ceiling?.measured],
    [`measured ${rate}`, row.atRate?.measured],
    [`ceiling ${rate}`, row.atRate?.ceiling],
    ['coalescing off', row.coalescingOff],
  ];
  return measured.flatMap(([label, m]) => {
    const parts = [
      m?.machineBusyPercent === undefined ? undefined : `machine ${m.machineBusyPercent}% busy`,
      m?.server && describeServer(m.server),
      m?.clientCpuUsPerCall === undefined ? undefined : `load generators ${m.clientCpuUsPerCall} µs CPU per call`,
      m?.databaseCpuUsPerCall === undefined ? undefined : `database ${m.databaseCpuUsPerCall} µs CPU per call`,
    ].filter(Boolean);
    return parts.length > 0 ? [`${label}: ${parts.join('; ')}`] : [];
  });
}

/** The server's part of a cost line. */
function describeServer(cost: ServerCost): string {
  return (
    `server CPU ${cost.cpuUsPerCall} µs per call (${cost.systemUsPerCall} µs in the kernel; ${cost.cpuPercent}% of a core), ` +
    `${cost.promotedBytesPerCall} B promoted per call, ${cost.scavengesPerSecond} scavenges/s ` +
    `(mean ${cost.meanScavengeMs} ms), ${cost.fullGcs} full GCs (longest ${cost.maxFullGcMs} ms)`
  );
}
