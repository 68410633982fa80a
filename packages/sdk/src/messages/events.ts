// Message and enum types of imsop.events.v1 (the change feed and webhooks), for SDK users.
export * from '../../gen/imsop/events/v1/change_event.js';
export * from '../../gen/imsop/events/v1/change_feed_service.js';
export * from '../../gen/imsop/events/v1/webhook_service.js';
