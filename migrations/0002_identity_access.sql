-- Identity and access: optimistic-concurrency versions on the identity resources, API keys for
-- service accounts, and the audit trail (a generic row trigger writing every change of a tenant
-- table to the append-only audit_log).
--
-- Same tenancy rules as 0001: organization_id leads every key, composite foreign keys between
-- tenant tables, ENABLE + FORCE row level security with the fail-closed policy on app.org_id.

-- Etags (src/platform/etag.ts) are derived from `version`, bumped by every UPDATE the service
-- makes; an update that names a stale etag is refused instead of overwriting a newer change.
ALTER TABLE organizations ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version > 0);
ALTER TABLE users         ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version > 0);
ALTER TABLE roles         ADD COLUMN version integer NOT NULL DEFAULT 1 CHECK (version > 0);

-- Listing users pages on (created_at, id) inside one organization.
CREATE INDEX users_org_created_idx ON users (organization_id, created_at, id);
CREATE INDEX roles_org_created_idx ON roles (organization_id, created_at, id);

-- API keys: long-lived bearer secrets for service accounts, each scoped to one role. Like access
-- tokens they are stored only as SHA-256 hashes; `secret_hint` (the last 4 characters) lets a
-- person tell keys apart in a list without the secret being recoverable.
-- A role cannot be deleted while an unrevoked key uses it (the service says so first; the CHECK
-- is the backstop); for revoked keys the role reference is simply cleared.
CREATE TABLE api_keys (
  organization_id uuid        NOT NULL REFERENCES organizations (id),
  id              uuid        NOT NULL DEFAULT gen_random_uuid(),
  name            text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  role_id         uuid,
  secret_hash     bytea       NOT NULL CHECK (length(secret_hash) = 32),
  secret_hint     text        NOT NULL CHECK (length(secret_hint) = 4),
  expires_at      timestamptz,
  revoked_at      timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  UNIQUE (organization_id, secret_hash),
  FOREIGN KEY (organization_id, role_id) REFERENCES roles (organization_id, id) ON DELETE SET NULL (role_id),
  CHECK (role_id IS NOT NULL OR revoked_at IS NOT NULL)
);
CREATE INDEX api_keys_org_created_idx ON api_keys (organization_id, created_at, id);
CREATE INDEX api_keys_role_idx ON api_keys (organization_id, role_id);

ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON api_keys
  USING (organization_id = nullif(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (organization_id = nullif(current_setting('app.org_id', true), '')::uuid);

-- The audit trail. One row per inserted, updated or deleted row of an audited tenant table,
-- written only by audit_row_change() below, in the same transaction as the change (so a change
-- and its audit entry commit or roll back together). Append-only for the service: it may read
-- its own organization's entries and nothing else.
--
-- `id` is an identity, so entries of one transaction keep their order; `occurred_at` is the
-- transaction's time. No foreign key to organizations: the append path stays free of row
-- locks on the tenant root, and organizations are never deleted.
CREATE TABLE audit_log (
  organization_id uuid        NOT NULL,
  id              bigint      GENERATED ALWAYS AS IDENTITY,
  occurred_at     timestamptz NOT NULL DEFAULT now(),
  -- 'system' is platform work without a signed-in actor (the CLI creating an organization).
  actor_kind      text        NOT NULL CHECK (actor_kind IN ('user', 'api_key', 'system')),
  actor_id        uuid,
  table_name      text        NOT NULL,
  -- The row's `id`, or for tables keyed otherwise its primary key columns (without
  -- organization_id) as a JSON object, e.g. {"role_id": "...", "user_id": "..."}.
  row_key         text        NOT NULL,
  operation       text        NOT NULL CHECK (operation IN ('INSERT', 'UPDATE', 'DELETE')),
  -- The row before / after the change as JSON, minus secret columns; null for INSERT / DELETE.
  before          jsonb,
  after           jsonb,
  PRIMARY KEY (organization_id, id),
  CHECK ((actor_kind = 'system') = (actor_id IS NULL))
);
-- ListAuditEntries: newest first, optionally narrowed to a table or an actor.
CREATE INDEX audit_log_org_time_idx ON audit_log (organization_id, occurred_at, id);
CREATE INDEX audit_log_org_table_time_idx ON audit_log (organization_id, table_name, occurred_at, id);
CREATE INDEX audit_log_org_actor_time_idx ON audit_log (organization_id, actor_id, occurred_at, id);

ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_log
  USING (organization_id = nullif(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (organization_id = nullif(current_setting('app.org_id', true), '')::uuid);
-- The trigger function runs as the owner and takes the organization from the changed row
-- itself, so it may append for whatever organization that row belongs to (also when a
-- superuser changes rows with no tenant set). The app role has no INSERT privilege at all.
CREATE POLICY owner_appends ON audit_log FOR INSERT TO imsop_owner WITH CHECK (true);
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON audit_log FROM imsop_app;

-- Generic audit trigger: AFTER INSERT OR UPDATE OR DELETE FOR EACH ROW on a tenant table.
-- The actor comes from the transaction settings src/platform/db/database.ts sets
-- (app.user_id, app.actor_kind). Columns holding credential hashes never reach the log.
-- An UPDATE that changed nothing is not recorded.
-- SECURITY DEFINER (owned by imsop_owner) because the app role may not insert into audit_log.
CREATE FUNCTION audit_row_change() RETURNS trigger
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  secret_columns CONSTANT text[] := ARRAY['password_hash', 'token_hash', 'secret_hash'];
  old_row jsonb;
  new_row jsonb;
  row_data jsonb;
  key_text text;
  actor uuid := nullif(current_setting('app.user_id', true), '')::uuid;
  kind text := coalesce(nullif(current_setting('app.actor_kind', true), ''), 'user');
BEGIN
  IF TG_OP <> 'INSERT' THEN old_row := to_jsonb(OLD) - secret_columns; END IF;
  IF TG_OP <> 'DELETE' THEN new_row := to_jsonb(NEW) - secret_columns; END IF;
  IF TG_OP = 'UPDATE' AND old_row = new_row THEN
    RETURN NULL;
  END IF;
  row_data := coalesce(new_row, old_row);
  IF row_data ? 'id' THEN
    key_text := row_data ->> 'id';
  ELSE
    SELECT jsonb_object_agg(a.attname, row_data -> a.attname ORDER BY a.attname)::text INTO key_text
    FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
    WHERE i.indrelid = TG_RELID AND i.indisprimary AND a.attname <> 'organization_id';
  END IF;
  IF actor IS NULL THEN kind := 'system'; END IF;
  INSERT INTO audit_log (organization_id, actor_kind, actor_id, table_name, row_key, operation, before, after)
  VALUES (
    CASE WHEN TG_TABLE_NAME = 'organizations' THEN row_data ->> 'id' ELSE row_data ->> 'organization_id' END::uuid,
    kind, actor, TG_TABLE_NAME, coalesce(key_text, ''), TG_OP, old_row, new_row
  );
  RETURN NULL;
END
$$;
ALTER FUNCTION audit_row_change() OWNER TO imsop_owner;
REVOKE ALL ON FUNCTION audit_row_change() FROM PUBLIC;

-- Audited: every tenant table of 0001 and api_keys. Not audit_log itself, and not
-- access_tokens: sessions are credential bookkeeping that churns with every login and refresh,
-- and one password change revokes many of them at once; the meaningful events (password
-- changes, deactivations, role changes, API key creation and revocation) are audited on the
-- rows they change, and sign-ins appear in the structured call log.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['organizations', 'users', 'roles', 'role_permissions', 'user_roles', 'api_keys'] LOOP
    EXECUTE format('CREATE TRIGGER audit_row_change AFTER INSERT OR UPDATE OR DELETE ON %I
      FOR EACH ROW EXECUTE FUNCTION audit_row_change()', t);
  END LOOP;
END $$;
