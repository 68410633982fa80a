import type { Principal } from '../platform/auth/principal.js';
import { caseInsensitiveKey } from '../platform/case-insensitive-key.js';
import { permissionDenied } from '../platform/errors.js';
import type { Violations } from '../platform/validation.js';
import { PERMISSIONS } from './permission-catalogue.js';

// Field rules shared by the identity services (and organization setup), kept equal to the
// CHECK constraints of migrations/0001 so a bad value is a field violation, never a SQL error.

const EMAIL = /^[^\s@]+@[^\s@]+$/;
const ROLE_NAME = /^[a-z][a-z0-9_-]{0,62}$/;
export const DISPLAY_NAME_MAX = 200;
export const ROLE_DESCRIPTION_MAX = 500;

/** Emails are compared case-insensitively and stored lower-case. */
export const normalizeEmail = (email: string) => email.trim().toLowerCase();

/**
 * An organization's name as stored: trimmed, and its case-insensitive key, under which the name
 * is unique and login finds the organization.
 */
export function organizationName(name: string): { name: string; name_key: string } {
  const trimmed = name.trim();
  return { name: trimmed, name_key: caseInsensitiveKey(trimmed) };
}

export function checkEmail(v: Violations, field: string, email: string | undefined): Violations {
  const e = normalizeEmail(email ?? '');
  if (!e) return v.add(field, 'is required');
  if (e.length < 3 || e.length > 320 || !EMAIL.test(e))
    v.add(field, 'must be an email address of at most 320 characters');
  return v;
}

export function checkRoleName(v: Violations, field: string, name: string | undefined): Violations {
  if (!name) return v.add(field, 'is required');
  if (!ROLE_NAME.test(name))
    v.add(field, 'must be lower-case letters, digits, "_" or "-", start with a letter, at most 63 characters');
  return v;
}

/** Adds a violation per permission not in the catalogue; returns the list without duplicates. */
export function checkPermissions(v: Violations, field: string, permissions: string[], required: boolean): string[] {
  if (required && permissions.length === 0) v.add(field, 'must name at least one permission');
  permissions.forEach((p, i) => {
    if (!Object.hasOwn(PERMISSIONS, p))
      v.add(`${field}[${i}]`, `unknown permission "${p.slice(0, 100)}"; see ListPermissions`);
  });
  return [...new Set(permissions)].sort();
}

/**
 * Nobody hands out more than they hold: granting permissions, assigning a role or scoping an
 * API key to a role requires the caller to hold every permission involved.
 * @throws AppError PERMISSION_DENIED naming the first permission the caller lacks.
 */
export function requireHeld(principal: Principal, permissions: Iterable<string>): void {
  for (const p of permissions) if (!principal.permissions.includes(p)) throw permissionDenied(p);
}
