import { Counter, type CounterConfiguration, type LabelValues } from 'prom-client';

/**
 * A prom-client Counter for the hottest paths (every gRPC call and message): increments are
 * tallied in a plain number per label set and added to the counter when it is collected (a
 * scrape, or a cluster primary asking its workers), so a call costs a map lookup instead of
 * prom-client hashing and validating its labels on every increment. What a scrape reads is the
 * same. Label sets are told apart by identity: pass the same object for the same labels (the
 * labels a method's calls share are made once, when the service is bound).
 */
export class TalliedCounter<L extends string> {
  readonly #pending = new Map<LabelValues<L>, number>();

  constructor(config: Omit<CounterConfiguration<L>, 'collect'>) {
    const pending = this.#pending;
    // Registered in config.registers; a scrape collects it, which adds what was tallied.
    new Counter<L>({
      ...config,
      collect(this: Counter<L>) {
        for (const [labels, count] of pending) this.inc(labels, count);
        pending.clear();
      },
    });
  }

  inc(labels: LabelValues<L>): void {
    this.#pending.set(labels, (this.#pending.get(labels) ?? 0) + 1);
  }
}
