import { describe, expect, it } from 'vitest';
import { KeyedBatcher } from '../src/platform/keyed-batcher.js';

/** A batcher whose runs are recorded and finish only when released. */
function recording(options: {
  maxBatch: number;
  exclusiveKey?: (item: string) => string | undefined;
  maxInFlight?: number;
}) {
  const runs: string[][] = [];
  const releases: (() => void)[] = [];
  const batcher = new KeyedBatcher<string, string>(async (items) => {
    runs.push(items);
    await new Promise<void>((resolve) => releases.push(resolve));
    if (items.includes('boom')) throw new Error('batch failed');
    return items.map((item) =>
      item.startsWith('bad')
        ? { status: 'rejected', reason: new Error(item) }
        : { status: 'fulfilled', value: `done ${item}` },
    );
  }, options);
  const releaseNext = async () => {
    while (releases.length === 0) await new Promise((resolve) => setImmediate(resolve));
    releases.shift()!();
  };
  return { batcher, runs, releaseNext };
}

describe('KeyedBatcher', () => {
  it('runs an idle key at once and batches what arrives while it is in flight, in arrival order', async () => {
    const { batcher, runs, releaseNext } = recording({ maxBatch: 10 });
    const first = batcher.submit('k', 'a');
    await new Promise((resolve) => setImmediate(resolve));
    const rest = ['b', 'c', 'bad-d', 'e'].map((item) => batcher.submit('k', item));
    const elsewhere = batcher.submit('other', 'z');
    const outcomes = Promise.allSettled(rest);
    await releaseNext();
    await releaseNext();
    await releaseNext();
    expect(await first).toBe('done a');
    const settled = await outcomes;
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value : (s.reason as Error).message))).toEqual([
      'done b',
      'done c',
      'bad-d',
      'done e',
    ]);
    expect(await elsewhere).toBe('done z');
    expect(runs).toHaveLength(3);
    expect(runs).toContainEqual(['a']);
    expect(runs).toContainEqual(['b', 'c', 'bad-d', 'e']);
    expect(runs).toContainEqual(['z']);
  });

  it('caps a batch at maxBatch, defers a repeated exclusive key to a later batch, and fails only the batch that threw', async () => {
    const { batcher, runs, releaseNext } = recording({ maxBatch: 2, exclusiveKey: (item) => item.split(':')[0] });
    const calls = ['x:1'].map((item) => batcher.submit('k', item));
    await new Promise((resolve) => setImmediate(resolve));
    calls.push(...['y:1', 'y:2', 'boom', 'w:1'].map((item) => batcher.submit('k', item)));
    const outcomes = Promise.allSettled(calls);
    for (let i = 0; i < 3; i++) await releaseNext();
    const settled = await outcomes;
    expect(runs).toEqual([['x:1'], ['y:1', 'boom'], ['y:2', 'w:1']]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'fulfilled']);
  });

  it('runs up to maxInFlight batches of a key at once, the next batch taking what queued meanwhile', async () => {
    const { batcher, runs, releaseNext } = recording({ maxBatch: 10, maxInFlight: 2 });
    const calls = [batcher.submit('k', 'a')];
    await new Promise((resolve) => setImmediate(resolve));
    calls.push(batcher.submit('k', 'b'));
    await new Promise((resolve) => setImmediate(resolve));
    calls.push(...['c', 'd'].map((item) => batcher.submit('k', item)));
    await new Promise((resolve) => setImmediate(resolve));
    // 'a' and 'b' are both in flight; 'c' and 'd' wait for one of them to finish.
    expect(runs).toEqual([['a'], ['b']]);
    const outcomes = Promise.all(calls);
    for (let i = 0; i < 3; i++) await releaseNext();
    expect(await outcomes).toEqual(['done a', 'done b', 'done c', 'done d']);
    expect(runs).toEqual([['a'], ['b'], ['c', 'd']]);
    // Idle again: the next item runs at once, alone.
    const later = batcher.submit('k', 'e');
    await releaseNext();
    expect(await later).toBe('done e');
  });
});
