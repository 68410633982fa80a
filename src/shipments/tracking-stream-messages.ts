import type { TrackingUpdate, TrackingUpdateAck } from '../../gen/ts/imsop/shipments/v1/resources.js';
import type {
  StreamTrackingUpdatesRequest,
  StreamTrackingUpdatesResponse,
} from '../../gen/ts/imsop/shipments/v1/tracking_service.js';

/**
 * How scanner stream messages become updates to store, and acks become responses. Both forms of
 * the contract are served: `updates` answered in `acks` (batched), and the first release's one
 * update per message in `update`, answered one by one in `ack`, as those clients expect.
 */

/** One update of a request: its field path (for violations) and how it came. */
export interface Incoming {
  update: TrackingUpdate;
  field: string;
  /** Sent in the deprecated single `update` field: its ack goes out alone, in `ack`. */
  single: boolean;
}

/** A message's updates in order: the deprecated single `update` first, then `updates`. */
export function receivedUpdates(message: StreamTrackingUpdatesRequest): Incoming[] {
  const batch = message.updates.map((update, index) => ({ update, field: `updates[${index}]`, single: false }));
  return message.update ? [{ update: message.update, field: 'update', single: true }, ...batch] : batch;
}

/** The responses answering a round, in order: runs of batched acks, each single ack alone. */
export function responsesFor(
  round: readonly Incoming[],
  acks: readonly TrackingUpdateAck[],
): StreamTrackingUpdatesResponse[] {
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

/** The update id of the last ack a response carries that names one. */
export function answeredIn(response: StreamTrackingUpdatesResponse): string | undefined {
  return [response.ack, ...response.acks].findLast((ack) => ack !== undefined && ack.updateId !== '')?.updateId;
}
