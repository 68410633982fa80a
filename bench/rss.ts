import { readFileSync } from 'node:fs';

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

/**
 * Samples a process's RSS every `intervalMs` until stopped. The samples are timestamped (epoch
 * ms) so the caller can keep only those inside the measured window, not the warm-up.
 */
export class RssSampler {
  readonly #samples: { at: number; mb: number }[] = [];
  readonly #timer: NodeJS.Timeout;

  constructor(
    private readonly pid: number,
    intervalMs = 100,
  ) {
    this.#sample();
    this.#timer = setInterval(() => this.#sample(), intervalMs);
  }

  #sample(): void {
    const mb = rssMb(this.pid);
    if (mb !== undefined) this.#samples.push({ at: Date.now(), mb });
  }

  /** Stops sampling; the largest sample taken between `from` and `to` (epoch ms; default: all). */
  stop(from = -Infinity, to = Infinity): number | undefined {
    clearInterval(this.#timer);
    this.#sample();
    const inside = this.#samples.filter((s) => s.at >= from && s.at <= to).map((s) => s.mb);
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
