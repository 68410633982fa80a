import type { ServerDuplexStream } from '@grpc/grpc-js';
import type { TrackingUpdateAck } from '../../gen/ts/imsop/shipments/v1/resources.js';
import type {
  StreamTrackingUpdatesRequest,
  StreamTrackingUpdatesResponse,
} from '../../gen/ts/imsop/shipments/v1/tracking_service.js';
import type { TenantScope } from '../platform/db/database.js';
import type { AuthenticatedCallContext, CallContext } from '../platform/grpc/call-context.js';
import { receivedBytes } from '../platform/grpc/request-decoding.js';
import { inBandStatus } from '../platform/grpc/in-band-status.js';
import { ClientNotReading, writeWithPatience } from '../platform/grpc/stream-writer.js';
import type { RecordOutcome } from './record-points.js';
import { ScannerBacklog, type Received } from './scanner-backlog.js';
import { acksNotRead, serverShuttingDown } from './stream-endings.js';
import { MAX_BATCH, type TrackingIngest } from './tracking-ingest.js';
import { answeredIn, receivedUpdates, responsesFor } from './tracking-stream-messages.js';
import { validateTrackingUpdate, type PointDraft } from './tracking-update.js';
import { linkedSignal } from '../platform/linked-signal.js';

/**
 * Updates received but not yet stored, per stream. Past this (or past `backlogBytes`) the stream
 * stops reading, so HTTP/2 flow control makes the scanner's writes wait: a fast sender cannot
 * fill our memory.
 */
const MAX_QUEUED = 1_000;

export interface TrackingStreamDeps {
  ingest: TrackingIngest;
  /** Aborted when the server starts shutting down. */
  shuttingDown: AbortSignal;
  /** Bytes (on the wire) of updates one stream may hold received but not yet stored. */
  backlogBytes: number;
  /** How long acks may wait for a scanner that does not read them before its stream is ended. */
  ackWaitMs: number;
}

/**
 * The scanner stream (TrackingService.StreamTrackingUpdates). Reads updates as they come,
 * stores whatever has queued up since the last round in one go (in order), then writes the
 * round's acks in one response, waiting for the client to take it when it is slow. Batching
 * both ways is what makes ingest cheap: one transaction and one message per round, not per
 * update.
 *
 * Ends OK once the client has half-closed and everything is acked; on server shutdown it
 * finishes the round in flight (those acks are stored and sent), then ends UNAVAILABLE
 * SERVER_SHUTTING_DOWN: whatever was not acked was not stored, and the client re-sends it.
 */
export async function streamTrackingUpdates(
  stream: ServerDuplexStream<StreamTrackingUpdatesRequest, StreamTrackingUpdatesResponse>,
  ctx: AuthenticatedCallContext,
  deps: TrackingStreamDeps,
): Promise<void> {
  const scope = ctx.tenant;
  const linked = linkedSignal([ctx.cancellation.signal, deps.shuttingDown]);
  const stop = linked.signal;
  const backlog = new ScannerBacklog(MAX_QUEUED, deps.backlogBytes);
  /** The update id of the last ack handed to the stream: where a scanner ended for not reading resumes. */
  let lastAnswered: string | undefined;
  let inputEnded = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    const resolve = wake;
    wake = undefined;
    resolve?.();
  };
  stream.on('data', (message: StreamTrackingUpdatesRequest) => {
    backlog.add(receivedUpdates(message), receivedBytes(message));
    if (backlog.full) stream.pause();
    notify();
  });
  stream.on('end', () => {
    inputEnded = true;
    notify();
  });
  stop.addEventListener('abort', notify, { once: true });

  try {
    while (!stop.aborted) {
      if (backlog.size === 0) {
        if (inputEnded) return;
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      const round = backlog.take(MAX_BATCH);
      if (stream.isPaused() && backlog.roomy) stream.resume();
      // Stored only while the sender may still send it: a revoked one ends the stream here.
      await ctx.confirmPrincipal();
      // The round is stored: its acks go out even when shutdown began meanwhile (only the
      // client leaving stops them), so the client need not re-send what is already stored.
      for (const response of responsesFor(round, await acknowledge(round, scope, ctx, deps.ingest))) {
        const written = writeWithPatience(stream, response, ctx.cancellation.signal, deps.ackWaitMs);
        lastAnswered = answeredIn(response) ?? lastAnswered;
        await written;
      }
    }
  } catch (error) {
    // A scanner that sends but never reads its acks would hold its backlog for good.
    if (error instanceof ClientNotReading) throw acksNotRead(lastAnswered);
    if (!ctx.cancellation.aborted) throw error;
  } finally {
    stop.removeEventListener('abort', notify);
    linked.release();
  }
  if (ctx.cancellation.aborted) return;
  throw serverShuttingDown();
}

/** Validates and stores one round of updates; one ack per update, in order. */
async function acknowledge(
  round: Received[],
  scope: TenantScope,
  ctx: CallContext,
  ingest: TrackingIngest,
): Promise<TrackingUpdateAck[]> {
  const now = Date.now();
  const drafts: PointDraft[] = [];
  const slots = round.map(({ update, field }): number | TrackingUpdateAck => {
    try {
      drafts.push(validateTrackingUpdate(update, now, field));
      return drafts.length - 1;
    } catch (error) {
      return errorAck(update.updateId, error, ctx);
    }
  });
  const outcomes = drafts.length > 0 ? await ingest.record(scope, drafts) : [];
  return slots.map((slot) => (typeof slot === 'number' ? toAck(drafts[slot]!, outcomes[slot]!, ctx) : slot));
}

export function toAck(draft: PointDraft, outcome: RecordOutcome, ctx: CallContext): TrackingUpdateAck {
  if (!outcome.ok) return errorAck(draft.updateId ?? '', outcome.error, ctx);
  return {
    updateId: draft.updateId ?? '',
    shipmentId: outcome.point.shipment_id,
    sequence: Number(outcome.point.sequence),
    duplicate: outcome.duplicate,
    error: undefined,
  };
}

function errorAck(updateId: string, error: unknown, ctx: CallContext): TrackingUpdateAck {
  const { status, unexpected } = inBandStatus(error, ctx.requestId);
  if (unexpected) ctx.logger.error({ err: error }, 'tracking update failed unexpectedly');
  return { updateId, shipmentId: '', sequence: 0, duplicate: false, error: status };
}
