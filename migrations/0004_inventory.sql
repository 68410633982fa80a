-- Inventory: the product catalogue, warehouses, stock levels per (warehouse, product), the stock
-- ledger and reservations.
--
-- Tenancy rules as in 0001 (DESIGN.md 1-3): organization_id leads every primary key and unique
-- constraint, references between tenant tables are composite (organization_id, x_id), and every
-- table has ENABLE + FORCE row level security with the fail-closed policy on app.org_id.
--
-- Stock invariants live in the schema, not only in code (rule 5): on-hand and reserved are
-- never negative, reserved never exceeds on-hand, `quantity_available` is generated, and every
-- ledger row must have the shape its type allows. The service changes levels with one
-- conditional UPDATE per level (rule 6), so a movement that would break an invariant changes
-- nothing and is reported as INSUFFICIENT_STOCK rather than hitting a CHECK.

-- The catalogue. `sku` and `code` use the "C" collation: byte order makes their ordering and
-- prefix ranges independent of the server's locale, and lets the unique index serve prefix
-- filters and keyset pages directly.
--
-- supplier_id has no foreign key yet: suppliers belong to procurement (a later migration), which
-- adds FOREIGN KEY (organization_id, supplier_id) REFERENCES suppliers (organization_id, id).
CREATE TABLE products (
  organization_id        uuid           NOT NULL REFERENCES organizations (id),
  id                     uuid           NOT NULL DEFAULT gen_random_uuid(),
  sku                    text COLLATE "C" NOT NULL CHECK (sku ~ '^[A-Z0-9][A-Z0-9._-]{0,63}$'),
  name                   text           NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  -- The name as the case-insensitive prefix filter compares it. A stored column rather than an
  -- index on lower(name): under row level security a condition calling a function that is not
  -- leakproof (lower) may not be checked before the policy, so it could never use an index.
  name_key               text COLLATE "C" GENERATED ALWAYS AS (lower(name)) STORED,
  description            text           NOT NULL DEFAULT '' CHECK (length(description) <= 4000),
  unit_of_measure        text           NOT NULL DEFAULT 'each' CHECK (unit_of_measure ~ '^[a-z][a-z0-9_]{0,19}$'),
  -- Money: exact, at most 4 decimal places, amount and currency set together or not at all.
  unit_cost              numeric(19, 4) CHECK (unit_cost >= 0),
  unit_cost_currency     text           CHECK (unit_cost_currency ~ '^[A-Z]{3}$'),
  selling_price          numeric(19, 4) CHECK (selling_price >= 0),
  selling_price_currency text           CHECK (selling_price_currency ~ '^[A-Z]{3}$'),
  -- Defaults for the product's stock levels (each level may override its reorder point).
  reorder_point          integer        NOT NULL DEFAULT 0 CHECK (reorder_point >= 0),
  reorder_quantity       integer        NOT NULL DEFAULT 0 CHECK (reorder_quantity >= 0),
  supplier_id            uuid,
  status                 text           NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'discontinued', 'archived')),
  -- Bumped on every change; the resource's etag.
  version                integer        NOT NULL DEFAULT 1 CHECK (version > 0),
  created_at             timestamptz    NOT NULL DEFAULT now(),
  updated_at             timestamptz    NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  UNIQUE (organization_id, sku),
  CHECK ((unit_cost IS NULL) = (unit_cost_currency IS NULL)),
  CHECK ((selling_price IS NULL) = (selling_price_currency IS NULL))
);
-- ListProducts pages by sku; each filter has an index that also yields sku order.
CREATE INDEX products_org_status_idx ON products (organization_id, status, sku);
CREATE INDEX products_org_supplier_idx ON products (organization_id, supplier_id, sku) WHERE supplier_id IS NOT NULL;
CREATE INDEX products_org_name_idx ON products (organization_id, name_key);
CREATE INDEX products_created_at_idx ON products (created_at, organization_id);

-- The manager is a user of the same organization (composite key); removing the user clears it.
-- capacity_units is informational (not enforced on receipt: enforcing it would serialise every
-- movement of a warehouse on one row).
CREATE TABLE warehouses (
  organization_id uuid        NOT NULL REFERENCES organizations (id),
  id              uuid        NOT NULL DEFAULT gen_random_uuid(),
  code            text COLLATE "C" NOT NULL CHECK (code ~ '^[A-Z0-9][A-Z0-9_-]{0,31}$'),
  name            text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  -- A google.type.PostalAddress as JSON (validated by the service; never queried by field).
  address         jsonb       NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(address) = 'object'),
  capacity_units  integer     CHECK (capacity_units > 0),
  manager_user_id uuid,
  status          text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
  version         integer     NOT NULL DEFAULT 1 CHECK (version > 0),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  UNIQUE (organization_id, code),
  FOREIGN KEY (organization_id, manager_user_id) REFERENCES users (organization_id, id) ON DELETE SET NULL (manager_user_id)
);
CREATE INDEX warehouses_org_status_idx ON warehouses (organization_id, status, code);
CREATE INDEX warehouses_manager_idx ON warehouses (organization_id, manager_user_id) WHERE manager_user_id IS NOT NULL;
CREATE INDEX warehouses_created_at_idx ON warehouses (created_at, organization_id);

-- Stock level of one product at one warehouse. A row appears with the first movement there.
-- reorder_point is copied from the product and follows it, unless set for this location
-- (reorder_point_overridden): stored here so that "low stock" is a partial index, not a join.
CREATE TABLE inventory (
  organization_id          uuid        NOT NULL,
  warehouse_id             uuid        NOT NULL,
  product_id               uuid        NOT NULL,
  quantity_on_hand         integer     NOT NULL DEFAULT 0 CHECK (quantity_on_hand >= 0),
  quantity_reserved        integer     NOT NULL DEFAULT 0 CHECK (quantity_reserved >= 0),
  quantity_available       integer     GENERATED ALWAYS AS (quantity_on_hand - quantity_reserved) STORED,
  reorder_point            integer     NOT NULL DEFAULT 0 CHECK (reorder_point >= 0),
  reorder_point_overridden boolean     NOT NULL DEFAULT false,
  -- bigint: a busy level changes many times a second, for years.
  version                  bigint      NOT NULL DEFAULT 1 CHECK (version > 0),
  created_at               timestamptz NOT NULL DEFAULT now(),
  updated_at               timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, warehouse_id, product_id),
  CHECK (quantity_reserved <= quantity_on_hand),
  FOREIGN KEY (organization_id, warehouse_id) REFERENCES warehouses (organization_id, id),
  FOREIGN KEY (organization_id, product_id) REFERENCES products (organization_id, id)
);
-- By product (all its warehouses, in warehouse order); the primary key serves by warehouse.
CREATE INDEX inventory_product_idx ON inventory (organization_id, product_id, warehouse_id);
-- Low stock is a small slice of all levels: a partial index finds it without scanning the rest.
CREATE INDEX inventory_low_stock_idx ON inventory (organization_id, warehouse_id, product_id) WHERE quantity_available <= reorder_point;
CREATE INDEX inventory_created_at_idx ON inventory (created_at, organization_id);

-- A hold on available stock at one level. While active, its quantity is part of the level's
-- quantity_reserved (the ledger's reserve/release/expire rows keep the two in step). An
-- expire_time makes it lapse: a sweeper (and any reservation that finds too little stock)
-- expires it and frees the stock.
CREATE TABLE reservations (
  organization_id uuid        NOT NULL,
  id              uuid        NOT NULL DEFAULT gen_random_uuid(),
  warehouse_id    uuid        NOT NULL,
  product_id      uuid        NOT NULL,
  quantity        integer     NOT NULL CHECK (quantity > 0),
  status          text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'released', 'expired', 'fulfilled')),
  expire_time     timestamptz,
  reference       text        NOT NULL DEFAULT '' CHECK (length(reference) <= 200),
  -- The user or API key that reserved (no foreign key: API keys are principals too).
  created_by      uuid,
  version         integer     NOT NULL DEFAULT 1 CHECK (version > 0),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  closed_at       timestamptz,
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, warehouse_id, product_id) REFERENCES inventory (organization_id, warehouse_id, product_id),
  CHECK ((status = 'active') = (closed_at IS NULL))
);
CREATE INDEX reservations_level_idx ON reservations (organization_id, warehouse_id, product_id, status);
CREATE INDEX reservations_product_idx ON reservations (organization_id, product_id, created_at, id);
CREATE INDEX reservations_org_status_idx ON reservations (organization_id, status, created_at, id);
CREATE INDEX reservations_org_time_idx ON reservations (organization_id, created_at, id);
-- What the expiry sweeper looks for: only active reservations that can expire.
CREATE INDEX reservations_expiry_idx ON reservations (expire_time, organization_id) WHERE status = 'active' AND expire_time IS NOT NULL;

-- The stock ledger: one row per change of a level, written in the same transaction as the
-- change, so for every level sum(on_hand_delta) = quantity_on_hand and
-- sum(reserved_delta) = quantity_reserved. Rows carry the balances after the change and the
-- actor, so the ledger is itself the audit trail of stock (it has no row-audit trigger) and
-- is append-only for the service (no UPDATE or DELETE grant).
CREATE TABLE inventory_transactions (
  organization_id  uuid        NOT NULL,
  id               uuid        NOT NULL DEFAULT gen_random_uuid(),
  warehouse_id     uuid        NOT NULL,
  product_id       uuid        NOT NULL,
  type             text        NOT NULL CHECK (type IN ('receive', 'issue', 'adjust', 'transfer_out', 'transfer_in', 'reserve', 'release', 'expire')),
  on_hand_delta    integer     NOT NULL,
  reserved_delta   integer     NOT NULL,
  on_hand_after    integer     NOT NULL CHECK (on_hand_after >= 0),
  reserved_after   integer     NOT NULL CHECK (reserved_after >= 0 AND reserved_after <= on_hand_after),
  reason           text        CHECK (reason IN ('cycle_count', 'damaged', 'lost', 'found', 'expired_goods', 'correction', 'returned')),
  counted_quantity integer     CHECK (counted_quantity >= 0),
  note             text        NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
  reference        text        NOT NULL DEFAULT '' CHECK (length(reference) <= 200),
  reservation_id   uuid,
  -- Shared by the transfer_out and transfer_in rows of one transfer.
  transfer_id      uuid,
  actor_id         uuid,
  created_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, warehouse_id, product_id) REFERENCES inventory (organization_id, warehouse_id, product_id),
  FOREIGN KEY (organization_id, reservation_id) REFERENCES reservations (organization_id, id),
  -- Each type has one shape; anything else is unrepresentable.
  CHECK (CASE type
    WHEN 'receive'      THEN on_hand_delta > 0 AND reserved_delta = 0
    WHEN 'transfer_in'  THEN on_hand_delta > 0 AND reserved_delta = 0
    WHEN 'transfer_out' THEN on_hand_delta < 0 AND reserved_delta = 0
    -- An issue against a reservation (fulfilment) consumes the reserved units too.
    WHEN 'issue'        THEN on_hand_delta < 0 AND (reserved_delta = 0 OR (reserved_delta = on_hand_delta AND reservation_id IS NOT NULL))
    WHEN 'adjust'       THEN reserved_delta = 0
    WHEN 'reserve'      THEN on_hand_delta = 0 AND reserved_delta > 0
    ELSE                     on_hand_delta = 0 AND reserved_delta < 0
  END),
  CHECK ((type = 'adjust') = (reason IS NOT NULL)),
  CHECK (counted_quantity IS NULL OR reason = 'cycle_count'),
  CHECK (type NOT IN ('reserve', 'release', 'expire') OR reservation_id IS NOT NULL),
  CHECK ((type IN ('transfer_out', 'transfer_in')) = (transfer_id IS NOT NULL))
);
-- ListInventoryTransactions is newest first (created_at, id): by level (also the foreign key's
-- index), by product, and organization-wide (which also serves time ranges of one tenant).
CREATE INDEX inventory_transactions_level_idx ON inventory_transactions (organization_id, warehouse_id, product_id, created_at, id);
CREATE INDEX inventory_transactions_product_idx ON inventory_transactions (organization_id, product_id, created_at, id);
CREATE INDEX inventory_transactions_org_time_idx ON inventory_transactions (organization_id, created_at, id);
CREATE INDEX inventory_transactions_reservation_idx ON inventory_transactions (organization_id, reservation_id) WHERE reservation_id IS NOT NULL;
REVOKE UPDATE, DELETE, TRUNCATE ON inventory_transactions FROM imsop_app;

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['products', 'warehouses', 'inventory', 'reservations', 'inventory_transactions'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format($p$CREATE POLICY tenant_isolation ON %I
      USING (organization_id = nullif(current_setting('app.org_id', true), '')::uuid)
      WITH CHECK (organization_id = nullif(current_setting('app.org_id', true), '')::uuid)$p$, t);
  END LOOP;
END $$;

-- Row audit (0002's audit_row_change) on the catalogue and on reservations, every change. Stock
-- levels are audited when they appear or disappear and when their settings change, not for
-- quantity changes: those are exactly what the ledger records (actor, time, change and the
-- balances after it), and a second row per movement, written while the level's row lock is
-- held, would slow the busiest rows for no new information. The ledger itself is append-only
-- and is not row-audited either, for the same reason.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['products', 'warehouses', 'reservations'] LOOP
    EXECUTE format('CREATE TRIGGER audit_row_change AFTER INSERT OR UPDATE OR DELETE ON %I
      FOR EACH ROW EXECUTE FUNCTION audit_row_change()', t);
  END LOOP;
END $$;
CREATE TRIGGER audit_row_change AFTER INSERT OR DELETE OR UPDATE OF reorder_point, reorder_point_overridden ON inventory
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();

-- Expiry runs across tenants, but the app role sees nothing without a tenant. This function
-- (owned by imsop_owner, which alone may read every reservation) answers only "which
-- organizations have reservations past their expiry"; the sweeper then expires them inside
-- each tenant's own transaction, under RLS like any request.
CREATE POLICY owner_finds_expired ON reservations FOR SELECT TO imsop_owner USING (true);

CREATE FUNCTION organizations_with_expired_reservations(max_organizations integer) RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT DISTINCT organization_id FROM reservations
  WHERE status = 'active' AND expire_time IS NOT NULL AND expire_time <= now()
  LIMIT max_organizations
$$;
REVOKE ALL ON FUNCTION organizations_with_expired_reservations(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION organizations_with_expired_reservations(integer) TO imsop_app;
