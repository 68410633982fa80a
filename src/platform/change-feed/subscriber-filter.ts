import type { ChangeFilter as RequestedFilter } from '../../../gen/ts/imsop/events/v1/change_feed_service.js';
import type { Principal } from '../auth/principal.js';
import { permissionDenied } from '../errors.js';
import { Violations } from '../validation.js';
import {
  CHANGE_EVENT_TYPES,
  CHANGE_RESOURCE_TYPES,
  isChangeEventType,
  isChangeResourceType,
  readPermissionOf,
  type ChangeResourceType,
} from './change-event-types.js';
import type { ChangeFilter } from './read-changes.js';

/**
 * What a subscriber reads: the filter it asked for, narrowed to the resource types it may read.
 * Types it may not read are left out quietly when it asked for everything, and refused when it
 * named them (it asked for something it cannot have: that is an error, not an empty stream).
 * Always an explicit list of resource types, so a resource type the catalogue does not know is
 * never shown to anyone.
 * @throws AppError INVALID_ARGUMENT for unknown types; PERMISSION_DENIED for a named type the
 *   principal may not read.
 */
export function subscriberFilter(requested: RequestedFilter | undefined, principal: Principal): ChangeFilter {
  const resourceTypes = requested?.resourceTypes ?? [];
  const eventTypes = requested?.eventTypes ?? [];
  const v = new Violations();
  if (resourceTypes.length > 50) v.add('filter.resource_types', 'must have at most 50 entries');
  if (eventTypes.length > 100) v.add('filter.event_types', 'must have at most 100 entries');
  resourceTypes.forEach((t, i) => {
    if (!isChangeResourceType(t)) v.add(`filter.resource_types[${i}]`, 'is not a resource type of the change feed');
  });
  eventTypes.forEach((t, i) => {
    if (!isChangeEventType(t)) v.add(`filter.event_types[${i}]`, 'is not an event type of the change feed');
  });
  v.throwIfAny();

  const granted = new Set(principal.permissions);
  const mayRead = (t: ChangeResourceType) => granted.has(readPermissionOf(t));
  const named = [
    ...(resourceTypes as ChangeResourceType[]),
    ...eventTypes.map((e) => CHANGE_EVENT_TYPES[e as keyof typeof CHANGE_EVENT_TYPES].resourceType),
  ];
  const refused = named.find((t) => !mayRead(t));
  if (refused) throw permissionDenied(readPermissionOf(refused));

  const readable = (Object.keys(CHANGE_RESOURCE_TYPES) as ChangeResourceType[]).filter(mayRead);
  return {
    resourceTypes: resourceTypes.length > 0 ? resourceTypes : readable,
    eventTypes,
  };
}
