-- Case-insensitive text compares by a key the service computes, never by PostgreSQL's lower().
--
-- lower() follows the cluster's locale: under "C" it folds ASCII only ("MÜLLER" and "Müller"
-- stayed two names), and under libc or ICU locales its result changes with the library's
-- version. Each case-insensitive rule now compares a key column instead, written by the service
-- with one function (src/platform/case-insensitive-key.ts: NFKC + Unicode case folding) on both
-- sides of every comparison, and stored in the "C" collation (byte order), so uniqueness, login
-- by organization name, name-prefix ranges and keyset pages behave the same on every cluster.
-- Stored columns rather than expression indexes for the reason 0005 gives (row level security
-- and leakproof quals).
--
-- Existing rows: each key column starts as lower() of its text (added as a generated column
-- and turned into a plain one, a rewrite that neither row level security nor the audit
-- trigger sees), which is already the key for ASCII text. The migration's data step
-- (src/platform/db/case-insensitive-backfill.ts) then recomputes every key with the service's
-- function in this same transaction, changing only the rows that differ (each such change is
-- audited as the 'system' actor). If two rows that must be unique become equal under the new
-- folding (e.g. "Straße" next to "STRASSE", or "MÜLLER" next to "Müller" on a "C" cluster),
-- the migration fails naming their key and changes nothing: rename one of them, then start
-- again.

-- Organizations: the name is unique across the platform and names the tenant at login.
ALTER TABLE organizations ADD COLUMN name_key text COLLATE "C" GENERATED ALWAYS AS (lower(name)) STORED;
ALTER TABLE organizations ALTER COLUMN name_key DROP EXPRESSION;
ALTER TABLE organizations ALTER COLUMN name_key SET NOT NULL;
DROP INDEX organizations_name_key;
CREATE UNIQUE INDEX organizations_name_key ON organizations (name_key);

-- `ref` is the caller's case-insensitive key of the name or id it was given (an id's key is
-- the id in lower case).
CREATE OR REPLACE FUNCTION resolve_organization(ref text) RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT id FROM organizations
  WHERE status = 'active'
    -- Compare the id as text: a cast of ref to uuid could be evaluated for names too and fail.
    AND (name_key = ref OR id::text = ref)
  -- An exact id always wins over a name that happens to spell it.
  ORDER BY (id::text = ref) DESC
  LIMIT 1
$$;

-- Suppliers (unique per organization, prefix filter, keyset pages) and products (prefix
-- filter): name_key was generated as lower(name); the service writes it from now on.
ALTER TABLE suppliers ALTER COLUMN name_key DROP EXPRESSION;
ALTER TABLE products ALTER COLUMN name_key DROP EXPRESSION;
ALTER TABLE products ALTER COLUMN name_key SET NOT NULL;

-- Shipments: a tracking number is unique per carrier, carriers compared case-insensitively.
ALTER TABLE shipments ADD COLUMN carrier_key text COLLATE "C" GENERATED ALWAYS AS (lower(carrier)) STORED;
ALTER TABLE shipments ALTER COLUMN carrier_key DROP EXPRESSION;
ALTER TABLE shipments ALTER COLUMN carrier_key SET NOT NULL;
DROP INDEX shipments_tracking_number_key;
CREATE UNIQUE INDEX shipments_tracking_number_key ON shipments (organization_id, tracking_number, carrier_key);

-- Emails keep their rule (stored lower-cased by the service, compared exactly), but the check
-- no longer lower-cases by the cluster's locale, which could disagree with the service's
-- lower-casing of non-ASCII letters: it only rejects ASCII capitals, on every cluster.
ALTER TABLE users DROP CONSTRAINT users_email_check;
ALTER TABLE users ADD CONSTRAINT users_email_check CHECK (email = lower(email COLLATE "C") AND length(email) BETWEEN 3 AND 320);
