-- Procurement: suppliers, purchase orders with their items, the per-organization purchase order
-- number counter, and receipts (goods arriving against an order, line by line).
--
-- Tenancy rules as in 0001 (DESIGN.md 1-3): organization_id leads every primary key and unique
-- constraint, references between tenant tables are composite (organization_id, x_id) — also
-- into inventory's products and warehouses — and every table has ENABLE + FORCE row level
-- security with the fail-closed policy on app.org_id.
--
-- Actor columns (created_by, approved_by, received_by) hold the acting user's or API key's id,
-- like audit_log.actor_id: no foreign key, because API keys are principals too.

-- Names are unique per organization case-insensitively, through name_key: the lower-cased name
-- in the "C" collation, so its order and prefix ranges do not depend on the server's locale.
-- It is a stored column rather than an index expression on purpose: under row level security
-- PostgreSQL only uses leakproof quals as index conditions, and lower() is not leakproof, so a
-- condition on lower(name) would be a filter after scanning the whole organization. Plain
-- comparisons on a column are leakproof: name_key serves ListSuppliers' keyset pages and
-- name-prefix ranges from the index.
CREATE TABLE suppliers (
  organization_id        uuid        NOT NULL REFERENCES organizations (id),
  id                     uuid        NOT NULL DEFAULT gen_random_uuid(),
  name                   text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  name_key               text COLLATE "C" NOT NULL GENERATED ALWAYS AS (lower(name)) STORED,
  contact_name           text        NOT NULL DEFAULT '' CHECK (length(contact_name) <= 200),
  email                  text        NOT NULL DEFAULT '' CHECK (length(email) <= 320),
  phone                  text        NOT NULL DEFAULT '' CHECK (length(phone) <= 50),
  address                text        NOT NULL DEFAULT '' CHECK (length(address) <= 1000),
  status                 text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
  -- 1..5, NULL while unrated.
  rating                 smallint    CHECK (rating BETWEEN 1 AND 5),
  default_lead_time_days integer     NOT NULL DEFAULT 0 CHECK (default_lead_time_days BETWEEN 0 AND 365),
  payment_terms          text        NOT NULL DEFAULT '' CHECK (length(payment_terms) <= 200),
  version                integer     NOT NULL DEFAULT 1 CHECK (version > 0),
  created_at             timestamptz NOT NULL DEFAULT now(),
  updated_at             timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id)
);
CREATE UNIQUE INDEX suppliers_org_name_key ON suppliers (organization_id, name_key);
CREATE INDEX suppliers_org_status_idx ON suppliers (organization_id, status, name_key);
CREATE INDEX suppliers_created_at_idx ON suppliers (created_at, organization_id);

-- Inventory's products.supplier_id was created without a foreign key because suppliers did not
-- exist yet (0004 says so). NOT VALID: the key is enforced for every new or changed
-- supplier_id from now on, while rows written before (which cannot have named a real supplier)
-- are neither rewritten nor allowed to fail this migration.
ALTER TABLE products
  ADD CONSTRAINT products_supplier_fk FOREIGN KEY (organization_id, supplier_id) REFERENCES suppliers (organization_id, id) NOT VALID;

-- po_number without gaps or races: one counter row per organization, advanced with
-- INSERT ... ON CONFLICT DO UPDATE ... RETURNING in the transaction that creates the order.
-- The row lock serialises concurrent creates of one organization (never two with the same
-- number), and a rolled-back create rolls the counter back too (no gap). Not audited: each
-- advance is visible as the purchase order insert it belongs to.
CREATE TABLE purchase_order_counters (
  organization_id uuid   NOT NULL REFERENCES organizations (id),
  last_number     bigint NOT NULL CHECK (last_number > 0),
  PRIMARY KEY (organization_id)
);

-- status follows the state machine in src/procurement/purchase-order-status.ts; the CHECKs
-- below make the timestamps of each state impossible to skip or fake.
-- total_amount is maintained by the service in the same transaction as every item change
-- (always the exact sum of line_total); numbers are exact decimals with 4 places.
CREATE TABLE purchase_orders (
  organization_id                uuid           NOT NULL REFERENCES organizations (id),
  id                             uuid           NOT NULL DEFAULT gen_random_uuid(),
  number                         bigint         NOT NULL CHECK (number > 0),
  -- "PO-000042": at least six digits, more once past 999999 (never truncated).
  po_number                      text           NOT NULL GENERATED ALWAYS AS ('PO-' || repeat('0', greatest(0, 6 - length(number::text))) || number::text) STORED,
  supplier_id                    uuid           NOT NULL,
  status                         text           NOT NULL DEFAULT 'draft'
    CHECK (status IN ('draft', 'submitted', 'approved', 'partially_received', 'received', 'closed', 'cancelled')),
  currency_code                  text           NOT NULL CHECK (currency_code ~ '^[A-Z]{3}$'),
  total_amount                   numeric(19, 4) NOT NULL DEFAULT 0 CHECK (total_amount >= 0),
  over_receipt_tolerance_percent integer        NOT NULL DEFAULT 0 CHECK (over_receipt_tolerance_percent BETWEEN 0 AND 100),
  notes                          text           NOT NULL DEFAULT '' CHECK (length(notes) <= 2000),
  -- The highest line_number ever given to an item of this order (line numbers are not reused).
  last_line_number               integer        NOT NULL DEFAULT 0 CHECK (last_line_number >= 0),
  created_by                     uuid,
  submitted_at                   timestamptz,
  approved_at                    timestamptz,
  approved_by                    uuid,
  received_at                    timestamptz,
  closed_at                      timestamptz,
  cancelled_at                   timestamptz,
  cancel_reason                  text           CHECK (length(cancel_reason) BETWEEN 1 AND 500),
  version                        integer        NOT NULL DEFAULT 1 CHECK (version > 0),
  created_at                     timestamptz    NOT NULL DEFAULT now(),
  updated_at                     timestamptz    NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  UNIQUE (organization_id, number),
  FOREIGN KEY (organization_id, supplier_id) REFERENCES suppliers (organization_id, id),
  -- Each status has exactly the timestamps of the steps that led to it.
  CHECK ((status = 'cancelled') = (cancelled_at IS NOT NULL)),
  CHECK ((cancelled_at IS NULL) = (cancel_reason IS NULL)),
  CHECK (CASE status
    WHEN 'draft'     THEN submitted_at IS NULL AND approved_at IS NULL
    WHEN 'submitted' THEN submitted_at IS NOT NULL AND approved_at IS NULL
    -- Cancellation can come from draft, submitted or approved: whatever happened before stays.
    WHEN 'cancelled' THEN received_at IS NULL
    ELSE                  submitted_at IS NOT NULL AND approved_at IS NOT NULL
  END),
  CHECK ((approved_at IS NULL) = (approved_by IS NULL)),
  CHECK ((received_at IS NOT NULL) = (status IN ('received', 'closed'))),
  CHECK ((closed_at IS NOT NULL) = (status = 'closed'))
);
-- ListPurchaseOrders pages by number (newest first); each filter has an index in that order.
CREATE INDEX purchase_orders_org_status_idx ON purchase_orders (organization_id, status, number);
CREATE INDEX purchase_orders_org_supplier_idx ON purchase_orders (organization_id, supplier_id, number);
CREATE INDEX purchase_orders_org_created_idx ON purchase_orders (organization_id, created_at);
-- Retention (POs older than two years move to archive storage) scans by age across tenants.
CREATE INDEX purchase_orders_created_at_idx ON purchase_orders (created_at, organization_id);

-- The lines of an order. line_number is assigned when a line is added and never reused, so a
-- line keeps its position while others are edited or removed. quantity_received grows only
-- through receipts (a conditional UPDATE that cannot pass the ordered quantity plus the
-- order's tolerance); fully_received_at is when it first reached quantity_ordered, which
-- drives the supplier's on-time rate.
CREATE TABLE purchase_order_items (
  organization_id   uuid           NOT NULL,
  id                uuid           NOT NULL DEFAULT gen_random_uuid(),
  purchase_order_id uuid           NOT NULL,
  line_number       integer        NOT NULL CHECK (line_number > 0),
  product_id        uuid           NOT NULL,
  quantity_ordered  integer        NOT NULL CHECK (quantity_ordered BETWEEN 1 AND 1000000000),
  quantity_received integer        NOT NULL DEFAULT 0 CHECK (quantity_received >= 0),
  unit_price        numeric(19, 4) NOT NULL CHECK (unit_price >= 0),
  line_total        numeric(19, 4) GENERATED ALWAYS AS (quantity_ordered * unit_price) STORED,
  expected_date     date           NOT NULL,
  fully_received_at timestamptz,
  created_at        timestamptz    NOT NULL DEFAULT now(),
  updated_at        timestamptz    NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  UNIQUE (organization_id, purchase_order_id, line_number),
  FOREIGN KEY (organization_id, purchase_order_id) REFERENCES purchase_orders (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, product_id) REFERENCES products (organization_id, id),
  CHECK ((fully_received_at IS NOT NULL) = (quantity_received >= quantity_ordered))
);
-- The unique key above indexes items by order; this one serves the product foreign key.
CREATE INDEX purchase_order_items_product_idx ON purchase_order_items (organization_id, product_id);
CREATE INDEX purchase_order_items_created_at_idx ON purchase_order_items (created_at, organization_id);

-- One receipt: goods for one order arriving into one warehouse, recorded by one actor.
CREATE TABLE receipts (
  organization_id   uuid        NOT NULL,
  id                uuid        NOT NULL DEFAULT gen_random_uuid(),
  purchase_order_id uuid        NOT NULL,
  warehouse_id      uuid        NOT NULL,
  received_by       uuid,
  received_at       timestamptz NOT NULL DEFAULT now(),
  notes             text        NOT NULL DEFAULT '' CHECK (length(notes) <= 1000),
  created_at        timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, purchase_order_id) REFERENCES purchase_orders (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, warehouse_id) REFERENCES warehouses (organization_id, id)
);
-- ListReceipts pages one order's receipts oldest first.
CREATE INDEX receipts_order_idx ON receipts (organization_id, purchase_order_id, received_at, id);
CREATE INDEX receipts_warehouse_idx ON receipts (organization_id, warehouse_id);
CREATE INDEX receipts_created_at_idx ON receipts (created_at, organization_id);

-- What one receipt brought for one order line, and the stock ledger row it wrote. The ledger
-- row is inventory's (append-only), so the reference is composite like any other.
CREATE TABLE receipt_lines (
  organization_id          uuid    NOT NULL,
  receipt_id               uuid    NOT NULL,
  purchase_order_item_id   uuid    NOT NULL,
  product_id               uuid    NOT NULL,
  quantity                 integer NOT NULL CHECK (quantity > 0),
  inventory_transaction_id uuid    NOT NULL,
  PRIMARY KEY (organization_id, receipt_id, purchase_order_item_id),
  UNIQUE (organization_id, inventory_transaction_id),
  FOREIGN KEY (organization_id, receipt_id) REFERENCES receipts (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, purchase_order_item_id) REFERENCES purchase_order_items (organization_id, id) ON DELETE CASCADE,
  FOREIGN KEY (organization_id, product_id) REFERENCES products (organization_id, id),
  FOREIGN KEY (organization_id, inventory_transaction_id) REFERENCES inventory_transactions (organization_id, id)
);
CREATE INDEX receipt_lines_item_idx ON receipt_lines (organization_id, purchase_order_item_id);
CREATE INDEX receipt_lines_product_idx ON receipt_lines (organization_id, product_id);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['suppliers', 'purchase_order_counters', 'purchase_orders', 'purchase_order_items', 'receipts', 'receipt_lines'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format($p$CREATE POLICY tenant_isolation ON %I
      USING (organization_id = nullif(current_setting('app.org_id', true), '')::uuid)
      WITH CHECK (organization_id = nullif(current_setting('app.org_id', true), '')::uuid)$p$, t);
  END LOOP;
  -- Every change is audited (0002), except the counter (see above).
  FOREACH t IN ARRAY ARRAY['suppliers', 'purchase_orders', 'purchase_order_items', 'receipts', 'receipt_lines'] LOOP
    EXECUTE format('CREATE TRIGGER audit_row_change AFTER INSERT OR UPDATE OR DELETE ON %I
      FOR EACH ROW EXECUTE FUNCTION audit_row_change()', t);
  END LOOP;
END $$;

-- Receipts are history: the service records them but never rewrites or removes them (only
-- the owner's retention job may delete, with their order).
REVOKE UPDATE, DELETE, TRUNCATE ON receipts, receipt_lines FROM imsop_app;
