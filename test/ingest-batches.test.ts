import { describe, expect, it } from 'vitest';
import { takeBatch } from '../src/shipments/ingest-batches.js';

const job = (name: string, keys: string[], size = 1) => ({ name, keys: new Set(keys), size });
const names = (jobs: { name: string }[]) => jobs.map((j) => j.name);

describe('takeBatch (which stream rounds share the next ingest transaction)', () => {
  it('takes everything waiting, in order, when nothing is in flight', () => {
    const queue = [job('a', ['s1']), job('b', ['s2']), job('c', ['s1', 's3'])];
    expect(names(takeBatch(queue, new Set(), 500))).toEqual(['a', 'b', 'c']);
    expect(queue).toEqual([]);
  });

  it('leaves rounds naming a shipment in flight, and every later round of their shipments, for later', () => {
    const queue = [job('a', ['s1']), job('b', ['s2', 's3']), job('c', ['s3']), job('d', ['s4']), job('e', ['s1'])];
    // s1 is in flight: a waits, and so does e (same shipment, queued after a); the others go.
    expect(names(takeBatch(queue, new Set(['s1']), 500))).toEqual(['b', 'c', 'd']);
    expect(names(queue)).toEqual(['a', 'e']);
    const blocked = [job('a', ['s2', 's1']), job('b', ['s2']), job('c', ['s5'])];
    // a waits for s1; b names s2, which a (ahead of it) also names, so b must not overtake a.
    expect(names(takeBatch(blocked, new Set(['s1']), 500))).toEqual(['c']);
    expect(names(blocked)).toEqual(['a', 'b']);
  });

  it('answers nothing when every waiting round conflicts with a batch in flight', () => {
    const queue = [job('a', ['s1']), job('b', ['s1'])];
    expect(takeBatch(queue, new Set(['s1']), 500)).toEqual([]);
    expect(names(queue)).toEqual(['a', 'b']);
  });

  it('stops at the size limit without letting later rounds overtake, and lets an oversized round go alone', () => {
    const queue = [job('a', ['s1'], 300), job('b', ['s2'], 300), job('c', ['s3'], 10)];
    expect(names(takeBatch(queue, new Set(), 500))).toEqual(['a']);
    expect(names(takeBatch(queue, new Set(['s1']), 500))).toEqual(['b', 'c']);
    expect(names(takeBatch([job('big', ['s1'], 900)], new Set(), 500))).toEqual(['big']);
  });
});
