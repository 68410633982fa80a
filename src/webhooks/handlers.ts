import type { WebhookServiceService } from '../../gen/ts/imsop/events/v1/webhook_service.js';
import type { ServiceHandlers } from '../platform/grpc/bind-service.js';
import type { WebhookService } from './webhook-service.js';

/** imsop.events.v1.WebhookService: proto in, service call, proto out. */
export function webhookHandlers(webhooks: WebhookService): ServiceHandlers<typeof WebhookServiceService> {
  return {
    createWebhookSubscription: (request, ctx) => webhooks.create(ctx.principal, ctx.tenant, request),
    getWebhookSubscription: (request, ctx) => webhooks.get(ctx.tenant, request),
    listWebhookSubscriptions: (request, ctx) => webhooks.list(ctx.tenant, request),
    updateWebhookSubscription: (request, ctx) => webhooks.update(ctx.principal, ctx.tenant, request),
    deleteWebhookSubscription: (request, ctx) => webhooks.delete(ctx.tenant, request),
    rotateWebhookSecret: (request, ctx) => webhooks.rotateSecret(ctx.tenant, request),
    listWebhookDeliveries: (request, ctx) => webhooks.listDeliveries(ctx.tenant, request),
    redeliverEvent: (request, ctx) => webhooks.redeliver(ctx.tenant, request),
    replayWebhookFromCursor: (request, ctx) => webhooks.replay(ctx.tenant, request),
  };
}
