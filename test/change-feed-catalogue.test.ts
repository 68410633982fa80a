import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CHANGE_EVENT_TYPES, CHANGE_RESOURCE_TYPES } from '../src/platform/change-feed/change-event-types.js';
import { PERMISSIONS } from '../src/identity/permission-catalogue.js';

/** docs/change-events.md documents exactly the catalogue: every resource type and event type, as the code states them. */
describe('the change-event catalogue and its documentation', () => {
  const doc = readFileSync(new URL('../docs/change-events.md', import.meta.url), 'utf8');
  const rows = (header: string) =>
    doc
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .map((line) => line.split('|').map((cell) => cell.trim()))
      .filter((cells) => cells.length === (header === 'resource' ? 5 : 6));

  it('documents every resource type with its message and read permission, and no other', () => {
    const documented = rows('resource').map(([, type, message, permission]) => [type, message, permission]);
    const expected = Object.entries(CHANGE_RESOURCE_TYPES).map(([type, t]) => [
      `\`${type}\``,
      `\`${t.message}\``,
      `\`${t.readPermission}\``,
    ]);
    expect(documented).toEqual(expected);
    for (const t of Object.values(CHANGE_RESOURCE_TYPES)) expect(Object.keys(PERMISSIONS)).toContain(t.readPermission);
  });

  it('documents every event type with its resource type, kind and meaning, and no other', () => {
    const documented = rows('event').map(([, type, resource, kind, meaning]) => [type, resource, kind, meaning]);
    const expected = Object.entries(CHANGE_EVENT_TYPES).map(([type, t]) => [
      `\`${type}\``,
      `\`${t.resourceType}\``,
      t.changeKind,
      t.description,
    ]);
    expect(documented).toEqual(expected);
  });
});
