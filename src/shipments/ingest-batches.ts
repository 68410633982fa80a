/** A waiting piece of work: the shipments it names and how many drafts it carries. */
export interface Batchable {
  keys: ReadonlySet<string>;
  size: number;
}

/**
 * Removes the next batch from `queue`: whole jobs in queue order, up to `max` drafts (a larger
 * single job goes alone), skipping jobs that name a shipment in `busy` (a batch in flight). A
 * skipped job's shipments count as taken for the rest of this pass, so no later job naming one
 * of them overtakes it: each shipment's jobs are stored in queue order. Empty only when every
 * waiting job conflicts (or the queue is empty).
 */
export function takeBatch<J extends Batchable>(queue: J[], busy: ReadonlySet<string>, max: number): J[] {
  const batch: J[] = [];
  const held = new Set(busy);
  let size = 0;
  for (let i = 0; i < queue.length;) {
    const job = queue[i]!;
    const conflicts = [...job.keys].some((key) => held.has(key));
    const fits = size === 0 || size + job.size <= max;
    if (conflicts || !fits) {
      for (const key of job.keys) held.add(key);
      if (!fits) break;
      i++;
      continue;
    }
    batch.push(queue.splice(i, 1)[0]!);
    size += job.size;
  }
  return batch;
}
