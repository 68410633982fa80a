import { readdirSync, readFileSync } from 'node:fs';
import { WindowSampler } from './window-sampler.js';

/**
 * /proc reports a process's CPU time in clock ticks of USER_HZ, which Linux fixes at 100 per
 * second for every process-facing interface, whatever the kernel's own tick rate.
 */
const TICK_US = 10_000;

/** CPU time so far of every PostgreSQL process on this machine (clock ticks by pid), from /proc. */
function postgresTicks(): Map<number, number> | undefined {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined; // not Linux
  }
  const ticks = new Map<number, number>();
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // gone since the listing
    }
    // "pid (comm) state ppid ...": comm may hold spaces, so split after its closing parenthesis.
    const close = stat.lastIndexOf(')');
    if (stat.slice(stat.indexOf('(') + 1, close) !== 'postgres') continue;
    const fields = stat.slice(close + 2).split(' ');
    ticks.set(Number(pid), Number(fields[11]) + Number(fields[12])); // utime + stime
  }
  return ticks;
}

/**
 * Samples the CPU time of the PostgreSQL server's processes (postmaster, backends, WAL writer,
 * ...) every 250 ms until stopped, so a window's report can say what the database spent per
 * call: next to the server's and the load generators' CPU, it shows where a shared machine's
 * cores went. Only a database on this machine is seen; a remote one reports nothing.
 */
export class DatabaseCpuSampler {
  readonly #readings = new WindowSampler(postgresTicks, 250);

  /**
   * Stops sampling; the database's CPU time between `from` and `to` (epoch ms), µs, or undefined
   * when no PostgreSQL process was seen. Each process counts from its first reading in the window
   * (from zero when it started inside it) to its last: a backend whose connection closed inside
   * the window (a load worker's, as it finished) counts up to its last reading, a quarter second
   * before it ended at most.
   */
  stop(from = -Infinity, to = Infinity): number | undefined {
    const inside = this.#readings.stop(from, to);
    if (inside.length < 2) return undefined;
    const first = inside[0]!;
    const spent = new Map<number, { from: number; to: number }>();
    for (const reading of inside) {
      for (const [pid, ticks] of reading) {
        const seen = spent.get(pid);
        if (seen) seen.to = ticks;
        else spent.set(pid, { from: first.has(pid) ? ticks : 0, to: ticks });
      }
    }
    if (spent.size === 0) return undefined;
    let ticks = 0;
    for (const { from: start, to: end } of spent.values()) ticks += end - start;
    return ticks * TICK_US;
  }
}
