// Message and enum types of imsop.analytics.v1, for SDK users.
export * from '../../gen/imsop/analytics/v1/resources.js';
export * from '../../gen/imsop/analytics/v1/event_service.js';
export * from '../../gen/imsop/analytics/v1/metric_service.js';
