import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { linkedSignal } from '../src/platform/linked-signal.js';

describe('linkedSignal', () => {
  it('aborts with the reason of the first source that aborts', () => {
    const call = new AbortController();
    const shutdown = new AbortController();
    const linked = linkedSignal([call.signal, shutdown.signal]);
    expect(linked.signal.aborted).toBe(false);
    shutdown.abort('shutting down');
    expect(linked.signal.aborted).toBe(true);
    expect(linked.signal.reason).toBe('shutting down');
    call.abort('late');
    expect(linked.signal.reason).toBe('shutting down');
  });

  it('is aborted at once when a source already is', () => {
    const linked = linkedSignal([new AbortController().signal, AbortSignal.abort('gone')]);
    expect(linked.signal.aborted).toBe(true);
    expect(linked.signal.reason).toBe('gone');
  });

  it('keeps one listener on a long-lived source however many streams follow it, and forgets released ones', () => {
    const shutdown = new AbortController();
    const live = Array.from({ length: 50 }, () => linkedSignal([new AbortController().signal, shutdown.signal]));
    expect(getEventListeners(shutdown.signal, 'abort')).toHaveLength(1);
    const released = live.slice(0, 25);
    for (const l of released) l.release();
    shutdown.abort('stop');
    expect(released.every((l) => !l.signal.aborted)).toBe(true);
    expect(live.slice(25).every((l) => l.signal.aborted && l.signal.reason === 'stop')).toBe(true);
  });
});
