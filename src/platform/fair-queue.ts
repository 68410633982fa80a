/** Why {@link FairQueue.run} refused work: the caller's lane, or the whole queue, is full. */
export class QueueFullError extends Error {
  constructor(readonly scope: 'lane' | 'queue') {
    super(scope === 'lane' ? 'too much work in progress for this lane' : 'the queue is full');
    this.name = 'QueueFullError';
  }
}

/**
 * Runs at most `concurrency` jobs at once; waiting jobs are served round-robin across lanes
 * (one per lane in turn, FIFO within a lane), so a lane with a hundred waiting jobs delays a
 * newcomer in another lane by about one job, not a hundred. Work beyond a lane's own cap or the
 * queue's bound is refused at once instead of waiting.
 */
export class FairQueue {
  #running = 0;
  #waiting = 0;
  /** Jobs in progress (running or waiting) per lane. */
  readonly #perLane = new Map<string, number>();
  /** Waiting starters per lane; Map order is the turn order (a served lane moves to the back). */
  readonly #lanes = new Map<string, Array<() => void>>();

  constructor(
    private readonly concurrency: number,
    private readonly maxWaiting: number,
  ) {}

  /**
   * @param maxInLane jobs this lane may have running or waiting at once.
   * @throws QueueFullError (as a rejection) when the lane or the queue is full.
   */
  run<T>(lane: string, work: () => Promise<T>, maxInLane = Infinity): Promise<T> {
    const inLane = this.#perLane.get(lane) ?? 0;
    if (inLane >= maxInLane) return Promise.reject(new QueueFullError('lane'));
    const mustWait = this.#running >= this.concurrency;
    if (mustWait && this.#waiting >= this.maxWaiting) return Promise.reject(new QueueFullError('queue'));
    this.#perLane.set(lane, inLane + 1);
    return new Promise<T>((resolve, reject) => {
      const start = () => {
        this.#running++;
        void Promise.resolve()
          .then(work)
          .then(resolve, reject)
          .finally(() => {
            this.#running--;
            const left = this.#perLane.get(lane)! - 1;
            if (left === 0) this.#perLane.delete(lane);
            else this.#perLane.set(lane, left);
            this.#startNext();
          });
      };
      if (!mustWait) return start();
      this.#waiting++;
      const waiting = this.#lanes.get(lane);
      if (waiting) waiting.push(start);
      else this.#lanes.set(lane, [start]);
    });
  }

  #startNext(): void {
    while (this.#running < this.concurrency) {
      const next = this.#lanes.entries().next();
      if (next.done) return;
      const [lane, waiting] = next.value;
      const start = waiting.shift()!;
      this.#lanes.delete(lane);
      if (waiting.length > 0) this.#lanes.set(lane, waiting);
      this.#waiting--;
      start();
    }
  }
}
