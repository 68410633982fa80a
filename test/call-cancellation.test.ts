import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { AppError } from '../src/platform/errors.js';
import { CallCancellation } from '../src/platform/grpc/call-cancellation.js';

describe('CallCancellation', () => {
  it('tells whether and why the call ended early; the first reason stays', () => {
    const cancellation = new CallCancellation();
    expect(cancellation.aborted).toBe(false);
    const revoked = new AppError(status.UNAUTHENTICATED, 'INVALID_TOKEN', 'revoked');
    cancellation.abort(revoked);
    cancellation.abort(new Error('later'));
    expect(cancellation.aborted).toBe(true);
    expect(cancellation.reason).toBe(revoked);
  });

  it('hands out a signal that follows the call, already aborted when asked late', () => {
    const early = new CallCancellation();
    const signal = early.signal;
    let heard: unknown;
    signal.addEventListener('abort', () => (heard = signal.reason), { once: true });
    early.abort('client cancelled');
    expect(heard).toBe('client cancelled');
    expect(early.signal).toBe(signal);

    const late = new CallCancellation();
    late.abort();
    expect(late.signal.aborted).toBe(true);
    expect(late.signal.reason).toBe(late.reason);
    expect((late.reason as DOMException).name).toBe('AbortError');
  });
});
