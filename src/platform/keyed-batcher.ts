/**
 * Natural batching per key: the first item of an idle key is run at once (no fixed wait); items of
 * that key arriving while its batch is in flight queue up and run together as the next batch, in
 * arrival order. So a key sees at most one batch (or maxInFlight) in flight per process, and the
 * busier it is the larger its batches grow, without adding latency when it is quiet.
 *
 * `run` answers every item of a batch on its own (one settled result per item, same order). An
 * item whose `exclusiveKey` equals one already in the forming batch waits for a later batch (two
 * retries of one request_id must not race inside one transaction).
 */
export class KeyedBatcher<Item, Result> {
  readonly #queues = new Map<string, KeyQueue<Item, Result>>();

  constructor(
    private readonly run: (items: Item[]) => Promise<PromiseSettledResult<Result>[]>,
    private readonly options: {
      maxBatch: number;
      exclusiveKey?: (item: Item) => string | undefined;
      /**
       * Batches of one key in flight at once (default 1). Writes of one row gain nothing from
       * more (they queue on its lock); reads of one tenant would otherwise wait for each other.
       */
      maxInFlight?: number;
    },
  ) {}

  submit(key: string, item: Item): Promise<Result> {
    return new Promise<Result>((resolve, reject) => {
      let queue = this.#queues.get(key);
      if (!queue) this.#queues.set(key, (queue = { pending: [], running: 0 }));
      queue.pending.push({ item, resolve, reject });
      if (queue.running < (this.options.maxInFlight ?? 1)) {
        queue.running++;
        void this.#drain(key, queue);
      }
    });
  }

  async #drain(key: string, queue: KeyQueue<Item, Result>): Promise<void> {
    // One microtask: items submitted in the same tick as the first join its batch.
    await Promise.resolve();
    while (queue.pending.length > 0) {
      const batch = this.#take(queue.pending);
      let results: PromiseSettledResult<Result>[];
      try {
        results = await this.run(batch.map((p) => p.item));
      } catch (error) {
        results = batch.map(() => ({ status: 'rejected', reason: error }));
      }
      batch.forEach((p, i) => {
        const r = results[i] ?? { status: 'rejected', reason: new Error('batch returned no result for an item') };
        if (r.status === 'fulfilled') p.resolve(r.value);
        else p.reject(r.reason);
      });
    }
    queue.running--;
    if (queue.running === 0) this.#queues.delete(key);
  }

  /** Removes the next batch from the queue: up to maxBatch items in order, skipping exclusive-key repeats. */
  #take(queue: Pending<Item, Result>[]): Pending<Item, Result>[] {
    const { maxBatch, exclusiveKey } = this.options;
    const batch: Pending<Item, Result>[] = [];
    const taken = new Set<string>();
    for (let i = 0; i < queue.length && batch.length < maxBatch;) {
      const k = exclusiveKey?.(queue[i]!.item);
      if (k !== undefined && taken.has(k)) {
        i++;
        continue;
      }
      if (k !== undefined) taken.add(k);
      batch.push(queue.splice(i, 1)[0]!);
    }
    return batch;
  }
}

interface KeyQueue<Item, Result> {
  pending: Pending<Item, Result>[];
  /** Batches of the key in flight. */
  running: number;
}

interface Pending<Item, Result> {
  item: Item;
  resolve(value: Result): void;
  reject(reason: unknown): void;
}
