import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PERMISSIONS } from '../src/identity/permission-catalogue.js';
import {
  CHANGE_EVENT_TYPES,
  CHANGE_RESOURCE_TYPES,
  type ChangeEventType,
} from '../src/platform/change-feed/change-event-types.js';
import { registry } from './support/descriptors.js';

// docs/change-events.md documents every event type of the catalogue
// (src/platform/change-feed/change-event-types.ts), and only those, with the resource type, the
// message and the read permission the catalogue gives it.

interface Row {
  eventType: string;
  resourceType: string;
  when: string;
  holds: string;
  permission: string;
}

const code = (cell: string) => /^`([^`]+)`$/.exec(cell.trim())?.[1];

function documentedRows(): Row[] {
  const doc = readFileSync(new URL('../docs/change-events.md', import.meta.url), 'utf8');
  return doc
    .split('\n')
    .filter((line) => /^\| `[a-z_]+\.[a-z_]+` \|/.test(line))
    .map((line) => {
      const cells = line.split('|').slice(1, -1);
      expect(cells, line).toHaveLength(5);
      const [eventType, resourceType, when, holds, permission] = cells;
      return {
        eventType: code(eventType!) ?? eventType!,
        resourceType: code(resourceType!) ?? resourceType!,
        when: when!.trim(),
        holds: holds!.trim(),
        permission: code(permission!) ?? permission!,
      };
    });
}

describe('docs/change-events.md', () => {
  const rows = documentedRows();

  it('has one row per event type of the catalogue, and no other', () => {
    const documented = rows.map((r) => r.eventType);
    expect(new Set(documented).size, 'an event type documented twice').toBe(documented.length);
    expect([...documented].sort()).toEqual(Object.keys(CHANGE_EVENT_TYPES).sort());
  });

  it.each(rows.map((r) => [r.eventType, r] as const))(
    '%s: the resource type, message and read permission of the catalogue, and says when',
    (eventType, row) => {
      const info = CHANGE_EVENT_TYPES[eventType as ChangeEventType];
      expect(info, `${eventType} is not in the catalogue`).toBeDefined();
      expect(row.resourceType).toBe(info.resourceType);
      const resource = CHANGE_RESOURCE_TYPES[info.resourceType];
      expect(row.permission).toBe(resource.readPermission);
      expect(row.when.length).toBeGreaterThan(5);
      if (info.changeKind === 'deleted') expect(row.holds).toBe('`{}`');
      else expect(row.holds).toContain(`\`${resource.message}\``);
    },
  );

  it('names messages that exist and permissions that exist', () => {
    for (const [type, { message, readPermission }] of Object.entries(CHANGE_RESOURCE_TYPES)) {
      expect(registry.getMessage(message), `${type}: ${message}`).toBeDefined();
      expect(Object.keys(PERMISSIONS), type).toContain(readPermission);
    }
  });

  it('gives each event type a resource type whose name starts it, or a domain event name', () => {
    for (const [eventType, info] of Object.entries(CHANGE_EVENT_TYPES)) {
      const plain = ['created', 'updated', 'deleted'].includes(info.changeKind);
      if (plain) expect(eventType).toBe(`${info.resourceType}.${info.changeKind}`);
      else expect(eventType).toMatch(/^[a-z_]+\.[a-z_]+$/);
    }
  });
});
