import { WebhookServiceService } from '../../gen/ts/imsop/events/v1/webhook_service.js';
import type { AppContext } from '../platform/app-context.js';
import type { BackgroundTask } from '../platform/background-task.js';
import { bindService, type BoundService, type CallEnvironment } from '../platform/grpc/bind-service.js';
import { deliveryLogRetentionTask } from './delivery-log-retention.js';
import { WebhookDispatcher } from './dispatcher.js';
import { webhookHandlers } from './handlers.js';
import { WebhookService } from './webhook-service.js';

/**
 * Webhooks: WebhookService and the dispatcher that delivers. One dispatcher object per process,
 * shared by both: the service wakes it when a subscription changes (reactivated, replayed), and
 * it runs as a background task (it delivers only while this instance leads), next to the
 * pruning of the delivery log.
 */
export function webhooks(app: AppContext): {
  services: (env: CallEnvironment) => BoundService[];
  tasks: BackgroundTask[];
} {
  const dispatcher = new WebhookDispatcher(app);
  const service = new WebhookService(app, () => dispatcher.wake());
  return {
    services: (env) => [bindService(WebhookServiceService, webhookHandlers(service), env)],
    tasks: [dispatcher, deliveryLogRetentionTask(app)],
  };
}
