/**
 * Webhooks' public face: the organization's change events POSTed, signed, to the receivers it
 * subscribes (WebhookService), by one dispatcher across replicas. Built on the platform's change
 * feed (src/platform/change-feed/); it needs nothing of another domain.
 */
export { webhooks } from './module.js';
