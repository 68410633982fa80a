import { CHANGE_EVENT_TYPES, type ChangeEventType, type ChangeResourceType } from './change-event-types.js';
import type { ChangeRecord } from './record-change.js';

/**
 * A resource as the change feed carries it: its proto3 JSON object (what the generated
 * `Message.toJSON` returns: lowerCamelCase fields, enums by name, timestamps as RFC 3339), with
 * the id every resource has and the etag most have.
 */
export type ResourceJson = Record<string, unknown> & { id?: unknown; etag?: unknown };

/**
 * Fields whose change says nothing of its own: every change moves them, so listing them would
 * only repeat that the resource changed.
 */
const BOOKKEEPING = new Set(['updateTime', 'etag']);

/**
 * The top-level proto field paths (snake_case, as a FieldMask names them) whose values differ
 * between two proto3 JSON objects of one message, in the message's field order as `after`
 * lists them, then fields only `before` had (a field back to its default is absent in proto3
 * JSON). A repeated or message field counts as one path: `items`, not `items[2].quantity`.
 */
export function changedFields(before: ResourceJson, after: ResourceJson): string[] {
  const keys = [...Object.keys(after), ...Object.keys(before).filter((k) => !(k in after))];
  return keys.filter((k) => !BOOKKEEPING.has(k) && !sameJson(before[k], after[k])).map(protoFieldName);
}

/** `createTime` -> `create_time`: proto3 JSON names are the fields' names in lowerCamelCase. */
export function protoFieldName(jsonName: string): string {
  return jsonName.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The resource types whose `<type>.<kind>` event the catalogue has (e.g. `role` for deleted). */
type ResourceWith<Kind extends string> = {
  [R in ChangeResourceType]: `${R}.${Kind}` extends ChangeEventType ? R : never;
}[ChangeResourceType];

const plain = <Kind extends string>(resourceType: ResourceWith<Kind>, kind: Kind) =>
  `${resourceType}.${kind}` as ChangeEventType;

const idOf = (resource: ResourceJson): string => String(resource.id ?? '');
const etagOf = (resource: ResourceJson): string => (typeof resource.etag === 'string' ? resource.etag : '');

/** `<type>.created`: the new resource as it was stored. */
export function created(resourceType: ResourceWith<'created'>, resource: ResourceJson): ChangeRecord {
  return {
    resourceType,
    resourceId: idOf(resource),
    eventType: plain(resourceType, 'created'),
    changeKind: 'created',
    etag: etagOf(resource),
    resource,
  };
}

/** `<type>.updated`: the resource after the change, naming the fields that differ from `before`. */
export function updated(
  resourceType: ResourceWith<'updated'>,
  before: ResourceJson,
  after: ResourceJson,
): ChangeRecord {
  return {
    resourceType,
    resourceId: idOf(after),
    eventType: plain(resourceType, 'updated'),
    changeKind: 'updated',
    changedFields: changedFields(before, after),
    etag: etagOf(after),
    resource: after,
  };
}

/** `<type>.deleted`: only the id is left; `resource` is empty. */
export function deleted(resourceType: ResourceWith<'deleted'>, resourceId: string): ChangeRecord {
  return { resourceType, resourceId, eventType: plain(resourceType, 'deleted'), changeKind: 'deleted', resource: {} };
}

/**
 * A domain event (a state change such as `purchase_order.approved`, or a threshold crossed
 * such as `shipment.delayed`, of the resource type the catalogue names): the resource after it, and, when `before` is given, the fields
 * it changed (a threshold event that changes nothing names none).
 */
export function domainEvent(eventType: ChangeEventType, after: ResourceJson, before?: ResourceJson): ChangeRecord {
  return {
    resourceType: CHANGE_EVENT_TYPES[eventType].resourceType,
    resourceId: idOf(after),
    eventType,
    changeKind: 'event',
    changedFields: before ? changedFields(before, after) : [],
    etag: etagOf(after),
    resource: after,
  };
}
