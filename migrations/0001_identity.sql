-- Identity core: organizations (the tenant root), the global permission catalogue, and the
-- tenant-scoped users, roles, role grants and access tokens.
--
-- Tenancy rules (DESIGN.md): every tenant table carries organization_id, leads its primary key
-- and every unique constraint with it, references other tenant tables through composite
-- (organization_id, x_id) keys, and has ENABLE + FORCE row level security with a fail-closed
-- policy on app.org_id. Migrations run as imsop_owner; the service connects as imsop_app.

-- The tenant root. Its own id is the tenant key; the policy compares it with app.org_id.
-- The unique name is global by nature (login by organization name): on Citus this table is a
-- reference table, so the global unique index stays valid.
CREATE TABLE organizations (
  id                uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  name              text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  status            text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
  subscription_tier text        NOT NULL DEFAULT 'standard' CHECK (length(subscription_tier) BETWEEN 1 AND 50),
  settings          jsonb       NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(settings) = 'object'),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX organizations_name_key ON organizations (lower(name));
CREATE INDEX organizations_created_at_idx ON organizations (created_at, id);

ALTER TABLE organizations ENABLE ROW LEVEL SECURITY;
ALTER TABLE organizations FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON organizations
  USING (id = nullif(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (id = nullif(current_setting('app.org_id', true), '')::uuid);

-- Login names an organization before any tenant is known. This one function (owned by
-- imsop_owner, which alone gets a read policy over all organizations) turns a name or id into
-- the id of an ACTIVE organization and reveals nothing else.
CREATE POLICY owner_resolves_names ON organizations FOR SELECT TO imsop_owner USING (true);

CREATE FUNCTION resolve_organization(ref text) RETURNS uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT id FROM organizations
  WHERE status = 'active'
    -- Compare the id as text: a cast of ref to uuid could be evaluated for names too and fail.
    AND (lower(name) = lower(ref) OR id::text = lower(ref))
  LIMIT 1
$$;
REVOKE ALL ON FUNCTION resolve_organization(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION resolve_organization(text) TO imsop_app;

-- Global catalogue of `resource:action` pairs the service defines (synced from code on migrate).
-- Not tenant data: readable by the app, written only by the owner.
CREATE TABLE permissions (
  id          text PRIMARY KEY CHECK (id ~ '^[a-z][a-z_.]*:[a-z_]+$'),
  description text NOT NULL DEFAULT ''
);
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON permissions FROM imsop_app;

CREATE TABLE users (
  organization_id     uuid        NOT NULL REFERENCES organizations (id),
  id                  uuid        NOT NULL DEFAULT gen_random_uuid(),
  email               text        NOT NULL CHECK (email = lower(email) AND length(email) BETWEEN 3 AND 320),
  display_name        text        NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
  password_hash       text        NOT NULL,
  status              text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
  password_changed_at timestamptz NOT NULL DEFAULT now(),
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  UNIQUE (organization_id, email)
);
CREATE INDEX users_org_status_idx ON users (organization_id, status);
CREATE INDEX users_created_at_idx ON users (created_at, organization_id);

CREATE TABLE roles (
  organization_id uuid        NOT NULL REFERENCES organizations (id),
  id              uuid        NOT NULL DEFAULT gen_random_uuid(),
  name            text        NOT NULL CHECK (name ~ '^[a-z][a-z0-9_-]{0,62}$'),
  description     text        NOT NULL DEFAULT '',
  is_system       boolean     NOT NULL DEFAULT false,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  UNIQUE (organization_id, name)
);

CREATE TABLE role_permissions (
  organization_id uuid NOT NULL,
  role_id         uuid NOT NULL,
  permission_id   text NOT NULL REFERENCES permissions (id),
  PRIMARY KEY (organization_id, role_id, permission_id),
  FOREIGN KEY (organization_id, role_id) REFERENCES roles (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX role_permissions_permission_idx ON role_permissions (permission_id);

CREATE TABLE user_roles (
  organization_id uuid        NOT NULL,
  user_id         uuid        NOT NULL,
  role_id         uuid        NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, user_id, role_id),
  FOREIGN KEY (organization_id, user_id) REFERENCES users (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, role_id) REFERENCES roles (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX user_roles_role_idx ON user_roles (organization_id, role_id);

-- Access tokens are stored only as SHA-256 hashes of the bearer secret.
CREATE TABLE access_tokens (
  organization_id uuid        NOT NULL,
  id              uuid        NOT NULL DEFAULT gen_random_uuid(),
  user_id         uuid        NOT NULL,
  token_hash      bytea       NOT NULL CHECK (length(token_hash) = 32),
  expires_at      timestamptz NOT NULL,
  revoked_at      timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  UNIQUE (organization_id, token_hash),
  FOREIGN KEY (organization_id, user_id) REFERENCES users (organization_id, id) ON DELETE CASCADE
);
CREATE INDEX access_tokens_user_idx ON access_tokens (organization_id, user_id);
CREATE INDEX access_tokens_expires_idx ON access_tokens (expires_at, organization_id);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['users', 'roles', 'role_permissions', 'user_roles', 'access_tokens'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format($p$CREATE POLICY tenant_isolation ON %I
      USING (organization_id = nullif(current_setting('app.org_id', true), '')::uuid)
      WITH CHECK (organization_id = nullif(current_setting('app.org_id', true), '')::uuid)$p$, t);
  END LOOP;
END $$;

-- Organizations are created by the platform CLI (owner connection), never by a tenant.
REVOKE INSERT, DELETE, TRUNCATE ON organizations FROM imsop_app;
