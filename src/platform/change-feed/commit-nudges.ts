import type { Bus } from '../bus/bus.js';
import type { Logger } from '../logger.js';
import { onChangesCommitted } from './recorded-signal.js';
import { RECORDED_CHANNEL } from './sequencer.js';

/**
 * Forwards this process's "changes committed" signals to the sequencer, wherever it leads: one
 * bus message per burst (while one is being published, further signals fold into the next),
 * so a busy instance sends a few messages per millisecond at most, not one per commit. Runs in
 * every server process, whether or not it runs background tasks. Until the returned function is
 * called.
 */
export function forwardCommitNudges(bus: Bus, logger: Logger): () => void {
  let publishing = false;
  let again = false;
  const publish = (): void => {
    if (publishing) {
      again = true;
      return;
    }
    publishing = true;
    bus
      .publish(RECORDED_CHANNEL, 1)
      .catch((error: unknown) => logger.debug({ err: error }, 'change-feed nudge not published; the sequencer polls'))
      .finally(() => {
        publishing = false;
        if (again) {
          again = false;
          publish();
        }
      });
  };
  return onChangesCommitted(publish);
}
