import type { Supplier } from '../../gen/ts/imsop/procurement/v1/resources.js';
import { caseInsensitiveKey } from '../platform/case-insensitive-key.js';
import type { Violations } from '../platform/validation.js';

/**
 * Supplier fields as the API accepts them, mirroring the CHECK constraints of
 * migrations/0005_procurement.sql, so a bad value is a field violation, never a SQL error.
 */

export const SUPPLIER_UPDATABLE = [
  'name',
  'contact_name',
  'email',
  'phone',
  'address',
  'rating',
  'default_lead_time_days',
  'payment_terms',
] as const;

export type SupplierField = (typeof SUPPLIER_UPDATABLE)[number];

export interface SupplierValues {
  name: string;
  /** Set with `name`: the key it is unique, ordered and prefix-filtered by. */
  name_key: string;
  contact_name: string;
  email: string;
  phone: string;
  address: string;
  rating: number | null;
  default_lead_time_days: number;
  payment_terms: string;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/**
 * Validates the named fields of `supplier` (field paths prefixed with `prefix`) and returns their
 * column values, trimmed. Collects violations in `v`; read the result after `v.throwIfAny()`.
 */
export function supplierValues(
  v: Violations,
  prefix: string,
  supplier: Supplier,
  fields: Iterable<SupplierField>,
): Partial<SupplierValues> {
  const out: Partial<SupplierValues> = {};
  const at = (f: string) => `${prefix}${f}`;
  for (const field of fields) {
    switch (field) {
      case 'name':
        v.requireText(at('name'), supplier.name, 200);
        out.name = supplier.name.trim();
        out.name_key = caseInsensitiveKey(out.name);
        break;
      case 'contact_name':
        out.contact_name = supplier.contactName.trim();
        v.maxChars(at('contact_name'), out.contact_name, 200);
        break;
      case 'email':
        out.email = supplier.email.trim();
        v.maxChars(at('email'), out.email, 320);
        if (out.email !== '' && !EMAIL.test(out.email)) v.add(at('email'), 'must be an email address (or empty)');
        break;
      case 'phone':
        out.phone = supplier.phone.trim();
        v.maxChars(at('phone'), out.phone, 50);
        break;
      case 'address':
        out.address = supplier.address.trim();
        v.maxChars(at('address'), out.address, 1000);
        break;
      case 'rating':
        if (!Number.isInteger(supplier.rating) || supplier.rating < 0 || supplier.rating > 5)
          v.add(at('rating'), 'must be 1..5, or 0 for unrated');
        out.rating = supplier.rating === 0 ? null : supplier.rating;
        break;
      case 'default_lead_time_days':
        if (
          !Number.isInteger(supplier.defaultLeadTimeDays) ||
          supplier.defaultLeadTimeDays < 0 ||
          supplier.defaultLeadTimeDays > 365
        ) {
          v.add(at('default_lead_time_days'), 'must be a whole number of days from 0 to 365');
        }
        out.default_lead_time_days = supplier.defaultLeadTimeDays;
        break;
      case 'payment_terms':
        out.payment_terms = supplier.paymentTerms.trim();
        v.maxChars(at('payment_terms'), out.payment_terms, 200);
        break;
    }
  }
  return out;
}
