import { readFileSync } from 'node:fs';
import { WindowSampler } from './window-sampler.js';

/** Resident memory of a process in MB, from /proc (undefined once it has exited). */
export function rssMb(pid: number): number | undefined {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('VmRSS:'));
    const kb = line?.match(/\d+/)?.[0];
    return kb === undefined ? undefined : Math.round(Number(kb) / 1024);
  } catch {
    return undefined;
  }
}

/** Samples a process's RSS every `intervalMs` until stopped. */
export class RssSampler {
  readonly #readings: WindowSampler<number>;

  constructor(pid: number, intervalMs = 100) {
    this.#readings = new WindowSampler(() => rssMb(pid), intervalMs);
  }

  /** Stops sampling; the largest sample taken between `from` and `to` (epoch ms; default: all). */
  stop(from = -Infinity, to = Infinity): number | undefined {
    const inside = this.#readings.stop(from, to);
    return inside.length > 0 ? Math.max(...inside) : undefined;
  }
}

/** Samples every process in `pids` while `work` runs; the largest RSS seen among them. */
export async function maxRssDuring<T>(
  pids: number[],
  work: () => Promise<T>,
): Promise<{ result: T; maxRssMb: number | undefined }> {
  const samplers = pids.map((pid) => new RssSampler(pid));
  const peaks = () => {
    const seen = samplers.map((s) => s.stop()).filter((p): p is number => p !== undefined);
    return seen.length > 0 ? Math.max(...seen) : undefined;
  };
  try {
    const result = await work();
    return { result, maxRssMb: peaks() };
  } catch (error) {
    peaks();
    throw error;
  }
}
