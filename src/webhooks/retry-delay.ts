/** Jitter around each scheduled delay: ±20 %, so receivers that fail together are not retried in lockstep. */
const JITTER = 0.2;

/**
 * How long to wait before the next attempt after `failures` consecutive failed attempts
 * (1 = the first attempt failed): the schedule's entry for it (WEBHOOKS_RETRY_SCHEDULE, by
 * default 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: exponential at first, then spread over
 * hours), its last entry once the schedule is used up, with jitter.
 */
export function retryDelayMs(schedule: readonly number[], failures: number, random = Math.random): number {
  const base = schedule[Math.min(Math.max(failures, 1), schedule.length) - 1] ?? 0;
  return Math.max(0, Math.round(base * (1 - JITTER + 2 * JITTER * random())));
}
