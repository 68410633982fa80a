import { readFileSync } from 'node:fs';
import { WindowSampler } from './window-sampler.js';

/** The machine's CPU counters since boot, summed over its cores (clock ticks), from /proc/stat. */
function cpuTicks(): { busy: number; all: number } | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal ...: idle and iowait are time nobody ran;
    // steal (the hypervisor running others while this VM wanted a core) counts as busy.
    const all = fields.slice(0, 8).reduce((a, b) => a + b, 0);
    return { busy: all - fields[3]! - fields[4]!, all };
  } catch {
    return undefined; // not Linux
  }
}

/**
 * Samples how busy the whole machine is (all cores, every process: the server, the database, the
 * load generators, the kernel) every 250 ms until stopped, so a window's report can say
 * whether the cores had anything left: a scenario that stops short of its ceiling on a machine
 * with no idle time left is bounded by the shared cores, not by waiting.
 */
export class MachineLoadSampler {
  readonly #readings = new WindowSampler(cpuTicks, 250);

  /** Stops sampling; the share of all cores' time that was busy between `from` and `to` (epoch ms), %. */
  stop(from: number, to: number): number | undefined {
    const inside = this.#readings.stop(from, to);
    if (inside.length < 2) return undefined;
    const first = inside[0]!;
    const last = inside.at(-1)!;
    return Math.round((100 * (last.busy - first.busy)) / Math.max(1, last.all - first.all));
  }
}
