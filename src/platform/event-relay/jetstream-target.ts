import {
  Events,
  headers as natsHeaders,
  nanos,
  RetentionPolicy,
  StorageType,
  type JetStreamClient,
  type NatsConnection,
} from 'nats';

/** How long JetStream remembers a message id to drop a re-send of it (its own default, said out loud). */
export const DUPLICATE_WINDOW_MS = 120_000;
/** How long one publish waits for the stream's ack. */
const PUBLISH_ACK_TIMEOUT_MS = 5_000;

/** One message to store: its id is JetStream's de-duplication key (`Nats-Msg-Id`). */
export interface OutgoingMessage {
  id: string;
  subject: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** How a publish ended: stored, or recognised by the stream as a re-send of a stored message. */
export type PublishOutcome = 'stored' | 'duplicate';

/** Thrown when the stream does not exist and the relay may not create it. */
export class StreamMissingError extends Error {
  constructor(stream: string) {
    super(`JetStream stream ${stream} does not exist (create it, or set EVENTS_NATS_CREATE_STREAM=true)`);
    this.name = 'StreamMissingError';
  }
}

/** The stream the relay publishes to, on one NATS connection. */
export class JetStreamTarget {
  readonly #js: JetStreamClient;
  #connected = true;

  private constructor(
    readonly connection: NatsConnection,
    private readonly stream: string,
  ) {
    this.#js = connection.jetstream();
    // The client reconnects by itself; meanwhile the relay should know, not learn it from a
    // publish timing out (an idle relay publishes nothing).
    void (async () => {
      for await (const status of connection.status()) {
        if (status.type === Events.Disconnect) this.#connected = false;
        else if (status.type === Events.Reconnect) this.#connected = true;
      }
    })().catch(() => {});
  }

  /** False while the client has lost its server (and is trying to reconnect). */
  get connected(): boolean {
    return this.#connected && !this.connection.isClosed();
  }

  /**
   * Checks the stream exists; when it does not, creates it (if `create`) capturing `<prefix>.>`,
   * file storage, limits retention, the duplicate window above. An existing stream is used as it
   * is configured: its subjects must cover the prefix (else every publish fails "no responders").
   * @throws StreamMissingError when it is missing and `create` is false.
   */
  static async open(
    connection: NatsConnection,
    options: { stream: string; subjectPrefix: string; create: boolean },
  ): Promise<JetStreamTarget> {
    const manager = await connection.jetstreamManager();
    try {
      await manager.streams.info(options.stream);
    } catch (error) {
      if (!isStreamNotFound(error)) throw error;
      if (!options.create) throw new StreamMissingError(options.stream);
      await manager.streams.add({
        name: options.stream,
        subjects: [`${options.subjectPrefix}.>`],
        storage: StorageType.File,
        retention: RetentionPolicy.Limits,
        duplicate_window: nanos(DUPLICATE_WINDOW_MS),
      });
    }
    return new JetStreamTarget(connection, options.stream);
  }

  /**
   * Publishes the messages in order, pipelined on the connection, each waiting for its ack.
   * Resolves with the outcome of the longest run of acknowledged messages from the first, and
   * the error that ended it (the rest are then re-sent later: the stream drops what it had).
   */
  async publish(messages: readonly OutgoingMessage[]): Promise<{ outcomes: PublishOutcome[]; error?: unknown }> {
    const settled = await Promise.allSettled(
      messages.map((m) => {
        const h = natsHeaders();
        for (const [name, value] of Object.entries(m.headers)) h.set(name, value);
        return this.#js.publish(m.subject, m.body, {
          msgID: m.id,
          headers: h,
          expect: { streamName: this.stream },
          timeout: PUBLISH_ACK_TIMEOUT_MS,
        });
      }),
    );
    const outcomes: PublishOutcome[] = [];
    for (const result of settled) {
      if (result.status === 'rejected') return { outcomes, error: result.reason };
      outcomes.push(result.value.duplicate ? 'duplicate' : 'stored');
    }
    return { outcomes };
  }

  async close(): Promise<void> {
    await this.connection.close().catch(() => {});
  }
}

function isStreamNotFound(error: unknown): boolean {
  const api = (error as { api_error?: { err_code?: number } }).api_error;
  return api?.err_code === 10059 || (error as Error).message === 'stream not found';
}
