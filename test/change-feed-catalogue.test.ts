import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PERMISSIONS } from '../src/identity/permission-catalogue.js';
import { CHANGE_EVENT_TYPES, CHANGE_RESOURCE_TYPES } from '../src/platform/change-feed/change-event-types.js';
import { registry } from './support/descriptors.js';

/**
 * docs/change-events.md documents exactly the catalogue (src/platform/change-feed/
 * change-event-types.ts): every resource type with its message and read permission, every event
 * type with its resource type, kind, when it is recorded (the catalogue's description), what its
 * `resource` holds and the permission reading it takes, in the catalogue's order.
 */
describe('the change-event catalogue and its documentation', () => {
  const doc = readFileSync(new URL('../docs/change-events.md', import.meta.url), 'utf8');
  /** The table rows (first cell in backticks) with `columns` cells. */
  const rows = (columns: number) =>
    doc
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .map((line) =>
        line
          .split('|')
          .slice(1, -1)
          .map((cell) => cell.trim()),
      )
      .filter((cells) => cells.length === columns);

  it('documents every resource type with its message and read permission, and no other', () => {
    const expected = Object.entries(CHANGE_RESOURCE_TYPES).map(([type, t]) => [
      `\`${type}\``,
      `\`${t.message}\``,
      `\`${t.readPermission}\``,
    ]);
    expect(rows(3)).toEqual(expected);
  });

  it('documents every event type with its resource type, kind, when, resource and permission, and no other', () => {
    const documented = rows(6);
    expect(
      documented.map(([type, resource, kind, when, , permission]) => [type, resource, kind, when, permission]),
    ).toEqual(
      Object.entries(CHANGE_EVENT_TYPES).map(([type, t]) => [
        `\`${type}\``,
        `\`${t.resourceType}\``,
        t.changeKind,
        t.description,
        `\`${CHANGE_RESOURCE_TYPES[t.resourceType].readPermission}\``,
      ]),
    );
    for (const [type, , kind, , holds] of documented) {
      const info = CHANGE_EVENT_TYPES[type!.slice(1, -1) as keyof typeof CHANGE_EVENT_TYPES];
      if (kind === 'deleted') expect(holds, type).toBe('`{}`');
      else expect(holds, type).toContain(`\`${CHANGE_RESOURCE_TYPES[info.resourceType].message}\``);
    }
  });

  it('names messages and permissions that exist', () => {
    for (const [type, t] of Object.entries(CHANGE_RESOURCE_TYPES)) {
      expect(registry.getMessage(t.message), `${type}: ${t.message}`).toBeDefined();
      expect(Object.keys(PERMISSIONS), type).toContain(t.readPermission);
    }
  });

  it('names plain changes <resource_type>.created|updated|deleted, and domain events otherwise', () => {
    for (const [type, t] of Object.entries(CHANGE_EVENT_TYPES)) {
      if (t.changeKind === 'event') expect(type).toMatch(/^[a-z_]+\.[a-z_]+$/);
      else expect(type).toBe(`${t.resourceType}.${t.changeKind}`);
    }
  });
});
