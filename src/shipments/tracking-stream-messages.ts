import type { TrackingUpdate, TrackingUpdateAck } from '../../gen/ts/imsop/shipments/v1/resources.js';
import type { StreamTrackingUpdatesRequest, StreamTrackingUpdatesResponse } from '../../gen/ts/imsop/shipments/v1/tracking_service.js';

/**
 * How scanner stream messages become queued updates, and acks become responses. Both forms of
 * the contract are served: `updates` answered in `acks` (batched), and the first release's one
 * update per message in `update`, answered one by one in `ack`, as those clients expect.
 */

/** An update waiting in a stream's queue: its field path (for violations) and how it came. */
export interface Received {
  update: TrackingUpdate;
  field: string;
  /** Sent in the deprecated single `update` field: its ack goes out alone, in `ack`. */
  single: boolean;
}

/** A message's updates in order: the deprecated single `update` first, then `updates`. */
export function receivedUpdates(message: StreamTrackingUpdatesRequest): Received[] {
  const batch = message.updates.map((update, index) => ({ update, field: `updates[${index}]`, single: false }));
  return message.update ? [{ update: message.update, field: 'update', single: true }, ...batch] : batch;
}

/** The responses answering a round, in order: runs of batched acks, each single ack alone. */
export function responsesFor(round: readonly Received[], acks: readonly TrackingUpdateAck[]): StreamTrackingUpdatesResponse[] {
  const responses: StreamTrackingUpdatesResponse[] = [];
  let batch: TrackingUpdateAck[] = [];
  round.forEach(({ single }, i) => {
    if (!single) return void batch.push(acks[i]!);
    if (batch.length > 0) responses.push({ ack: undefined, acks: batch });
    batch = [];
    responses.push({ ack: acks[i], acks: [] });
  });
  if (batch.length > 0) responses.push({ ack: undefined, acks: batch });
  return responses;
}
