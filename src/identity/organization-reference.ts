import type { Violations } from '../platform/validation.js';

/**
 * Login names the organization by name or by id. The two must never be confused: an
 * organization renamed to another one's id (which every token and API key of that one shows)
 * would otherwise be signed into with that id. So a reference that reads as a UUID is always
 * an id, and no organization may be given a name that reads as one.
 *
 * "Reads as a UUID" is deliberately loose: 32 hex digits once case, Unicode compatibility
 * forms, a `urn:uuid:` prefix and every character that is not a letter or digit (hyphens,
 * braces, spaces, invisible format characters) are set aside. That covers every spelling
 * PostgreSQL accepts for a uuid and the look-alikes a person could mistake for one.
 */
const HEX_32 = /^[0-9a-f]{32}$/;

/** The canonical (lower-case, hyphenated) id that `ref` spells, or undefined when it is not UUID-like. */
export function organizationIdIn(ref: string): string | undefined {
  const hex = ref
    .normalize('NFKC')
    .toLowerCase()
    .trim()
    .replace(/^urn:uuid:/, '')
    .replace(/[^\p{L}\p{N}]/gu, '');
  if (!HEX_32.test(hex)) return undefined;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const ORGANIZATION_NAME_MAX = 200;

/** A new organization name: required, at most 200 characters, and not UUID-like (see above). */
export function checkOrganizationName(v: Violations, field: string, name: string | undefined): Violations {
  v.requireText(field, name, ORGANIZATION_NAME_MAX);
  if (name !== undefined && organizationIdIn(name) !== undefined) {
    v.add(
      field,
      'must not look like a UUID: organizations are signed into by name or by id, and the two must never be confused',
    );
  }
  return v;
}
