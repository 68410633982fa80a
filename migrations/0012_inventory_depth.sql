-- Inventory depth (issue 20): locations inside warehouses, lot- and serial-tracked products,
-- lots, serial numbers, stock balances per (warehouse, location, product, lot), stock states
-- (on hold, damaged), reservation allocations, cycle counts, and the ledger columns that say
-- where and which units moved.
--
-- The shape keeps what exists unchanged (design rules 5 and 6, decision 0001):
--
--  * `inventory` stays the stock level of a product at a warehouse: the total of all its
--    balances, the row every movement of that product at that warehouse locks first, and the
--    only row the common movements touch. Reservations of untracked products hold stock at
--    this level, as before.
--  * Every warehouse has exactly one default location, whose id IS the warehouse's id (so the
--    hot paths name it without a lookup). Untracked stock in the default location is the
--    level's `quantity_on_hand - quantity_located`: it needs no row of its own. Existing rows
--    therefore migrate by adding `quantity_located = 0` (their stock is all in the default
--    location), a change of metadata only.
--  * Every other balance (stock in any other location, and every unit of a lot- or
--    serial-tracked product, wherever it is) is a row of `stock_balances`, and the level
--    carries its totals: `quantity_located` (on hand in those rows), `quantity_on_hold` and
--    `quantity_damaged` (on hand in hold and damaged locations, which is not available).
--    A movement changes the level and each balance it touches in ONE statement, with one
--    ledger row per balance, so the ledger sums to the level and to every balance.
--  * Lock order: reservation rows, then levels by (warehouse_id, product_id), then a level's
--    balance rows by (location_id, lot_id). A balance is only ever changed by a statement that
--    also changes (and so has locked) its level.

-- ---- Locations -------------------------------------------------------------------------------

-- A tree per warehouse (warehouse > zone > bin, any depth): `parent_id` names a location of the
-- same warehouse, set at creation and never changed (so the tree cannot get a cycle). `type`
-- decides the stock state of what it holds: stock in `hold` (quarantine) and `damaged`
-- locations is on hand but not available. `code` is unique per warehouse.
CREATE TABLE locations (
  organization_id uuid             NOT NULL,
  id              uuid             NOT NULL DEFAULT gen_random_uuid(),
  warehouse_id    uuid             NOT NULL,
  parent_id       uuid,
  code            text COLLATE "C" NOT NULL CHECK (code ~ '^[A-Z0-9][A-Z0-9._/-]{0,63}$'),
  name            text             NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  type            text             NOT NULL CHECK (type IN ('receiving', 'storage', 'picking', 'hold', 'damaged', 'shipping')),
  -- The implicit location of a warehouse without bins (created with the warehouse).
  is_default      boolean          NOT NULL DEFAULT false,
  status          text             NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
  version         integer          NOT NULL DEFAULT 1 CHECK (version > 0),
  created_at      timestamptz      NOT NULL DEFAULT now(),
  updated_at      timestamptz      NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  UNIQUE (organization_id, warehouse_id, id),
  UNIQUE (organization_id, warehouse_id, code),
  FOREIGN KEY (organization_id, warehouse_id) REFERENCES warehouses (organization_id, id),
  FOREIGN KEY (organization_id, warehouse_id, parent_id) REFERENCES locations (organization_id, warehouse_id, id),
  -- The default location is the warehouse's own id, a root, sellable storage, always active.
  CHECK (NOT is_default OR (id = warehouse_id AND parent_id IS NULL AND type = 'storage' AND status = 'active')),
  CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE UNIQUE INDEX locations_one_default_idx ON locations (organization_id, warehouse_id) WHERE is_default;
CREATE INDEX locations_parent_idx ON locations (organization_id, warehouse_id, parent_id, code);

-- Every warehouse gets its default location when it is created (whichever code path creates
-- it), and every existing warehouse gets one now.
CREATE FUNCTION create_default_location() RETURNS trigger
  LANGUAGE plpgsql
AS $$
BEGIN
  INSERT INTO locations (organization_id, id, warehouse_id, code, name, type, is_default)
  VALUES (NEW.organization_id, NEW.id, NEW.id, 'DEFAULT', 'Default location', 'storage', true);
  RETURN NULL;
END
$$;
CREATE TRIGGER create_default_location AFTER INSERT ON warehouses
  FOR EACH ROW EXECUTE FUNCTION create_default_location();

-- (Row level security binds the owner too: lifted for this one read, inside this transaction.)
ALTER TABLE warehouses NO FORCE ROW LEVEL SECURITY;
INSERT INTO locations (organization_id, id, warehouse_id, code, name, type, is_default, created_at, updated_at)
SELECT organization_id, id, id, 'DEFAULT', 'Default location', 'storage', true, created_at, created_at
FROM warehouses;
ALTER TABLE warehouses FORCE ROW LEVEL SECURITY;

-- ---- Tracking, lots, serial numbers --------------------------------------------------------

-- Whether receipts and movements of the product name lots and/or serial numbers. Changeable
-- only while the product has no stock (the service checks).
ALTER TABLE products ADD COLUMN lot_tracked boolean NOT NULL DEFAULT false;
ALTER TABLE products ADD COLUMN serial_tracked boolean NOT NULL DEFAULT false;

-- A lot (batch) of one product. `expires_on` is the last day the lot may be used: it is expired
-- from the next day on (by the database's current_date). `expired_at` is set once by the expiry
-- task when it has handled the lot (moved its stock to hold and recorded `lot.expired`).
CREATE TABLE lots (
  organization_id        uuid             NOT NULL,
  id                     uuid             NOT NULL DEFAULT gen_random_uuid(),
  product_id             uuid             NOT NULL,
  lot_number             text COLLATE "C" NOT NULL CHECK (lot_number ~ '^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$'),
  manufactured_on        date,
  expires_on             date,
  supplier_lot_reference text             NOT NULL DEFAULT '' CHECK (length(supplier_lot_reference) <= 200),
  note                   text             NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
  expired_at             timestamptz,
  version                integer          NOT NULL DEFAULT 1 CHECK (version > 0),
  created_at             timestamptz      NOT NULL DEFAULT now(),
  updated_at             timestamptz      NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  UNIQUE (organization_id, product_id, lot_number),
  UNIQUE (organization_id, product_id, id),
  FOREIGN KEY (organization_id, product_id) REFERENCES products (organization_id, id),
  CHECK (manufactured_on IS NULL OR expires_on IS NULL OR manufactured_on <= expires_on)
);
-- ListExpiringLots and the expiry task: lots by expiry date.
CREATE INDEX lots_expiry_idx ON lots (organization_id, expires_on, id) WHERE expires_on IS NOT NULL;
CREATE INDEX lots_created_at_idx ON lots (created_at, organization_id);

-- One unit of a serial-tracked product. A serial number exists once per product in the
-- organization; while `status` is in_stock or reserved it sits in one balance (warehouse,
-- location, lot). Issued units keep their row (and may come back by a later receipt).
CREATE TABLE serial_numbers (
  organization_id uuid             NOT NULL,
  id              uuid             NOT NULL DEFAULT gen_random_uuid(),
  product_id      uuid             NOT NULL,
  serial_number   text COLLATE "C" NOT NULL CHECK (serial_number ~ '^[A-Za-z0-9][A-Za-z0-9._/:-]{0,99}$'),
  lot_id          uuid,
  status          text             NOT NULL CHECK (status IN ('in_stock', 'reserved', 'issued', 'in_transit')),
  warehouse_id    uuid,
  location_id     uuid,
  reservation_id  uuid,
  version         integer          NOT NULL DEFAULT 1 CHECK (version > 0),
  created_at      timestamptz      NOT NULL DEFAULT now(),
  updated_at      timestamptz      NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  UNIQUE (organization_id, product_id, serial_number),
  FOREIGN KEY (organization_id, product_id) REFERENCES products (organization_id, id),
  FOREIGN KEY (organization_id, product_id, lot_id) REFERENCES lots (organization_id, product_id, id),
  FOREIGN KEY (organization_id, warehouse_id, location_id) REFERENCES locations (organization_id, warehouse_id, id),
  FOREIGN KEY (organization_id, reservation_id) REFERENCES reservations (organization_id, id),
  CHECK ((status IN ('in_stock', 'reserved')) = (location_id IS NOT NULL AND warehouse_id IS NOT NULL)),
  CHECK ((status = 'reserved') = (reservation_id IS NOT NULL))
);
CREATE INDEX serial_numbers_balance_idx ON serial_numbers (organization_id, warehouse_id, location_id, product_id, serial_number)
  WHERE status IN ('in_stock', 'reserved');
CREATE INDEX serial_numbers_reservation_idx ON serial_numbers (organization_id, reservation_id) WHERE reservation_id IS NOT NULL;
CREATE INDEX serial_numbers_lot_idx ON serial_numbers (organization_id, lot_id) WHERE lot_id IS NOT NULL;

-- ---- Balances and stock states --------------------------------------------------------------

-- Totals of the level's stock_balances rows (see the header): maintained by the statements that
-- change those rows. Constant defaults: existing rows are unchanged (all their stock is
-- untracked stock in the default location) and nothing is rewritten for them.
ALTER TABLE inventory ADD COLUMN quantity_located integer NOT NULL DEFAULT 0 CHECK (quantity_located >= 0);
ALTER TABLE inventory ADD COLUMN quantity_on_hold integer NOT NULL DEFAULT 0 CHECK (quantity_on_hold >= 0);
ALTER TABLE inventory ADD COLUMN quantity_damaged integer NOT NULL DEFAULT 0 CHECK (quantity_damaged >= 0);
-- When the default location's untracked stock was last counted (balances carry their own).
ALTER TABLE inventory ADD COLUMN default_last_counted_at timestamptz;
ALTER TABLE inventory ADD CONSTRAINT inventory_located_check CHECK (quantity_located <= quantity_on_hand);
-- Stock on hold or damaged is never in the default location, and never reserved.
ALTER TABLE inventory ADD CONSTRAINT inventory_unavailable_check
  CHECK (quantity_on_hold + quantity_damaged <= quantity_located
     AND quantity_reserved + quantity_on_hold + quantity_damaged <= quantity_on_hand);
-- Available is what can be issued, transferred or reserved: on hand, less what is reserved, on
-- hold or damaged. (Recreated, and with it the low-stock index whose predicate names it.)
DROP INDEX inventory_low_stock_idx;
ALTER TABLE inventory DROP COLUMN quantity_available;
ALTER TABLE inventory ADD COLUMN quantity_available integer
  GENERATED ALWAYS AS (quantity_on_hand - quantity_reserved - quantity_on_hold - quantity_damaged) STORED;
CREATE INDEX inventory_low_stock_idx ON inventory (organization_id, warehouse_id, product_id) WHERE quantity_available <= reorder_point;

-- Stock of a product in one location of a warehouse, of one lot (or of none), other than the
-- default location's untracked stock. `quantity_reserved` counts the units reservations have
-- allocated here (reservations of lot- and serial-tracked products allocate balances; those of
-- untracked products hold stock at the level). A row appears with the first stock there and
-- stays (with zeros) so that its history and last count remain.
CREATE TABLE stock_balances (
  organization_id    uuid        NOT NULL,
  id                 uuid        NOT NULL DEFAULT gen_random_uuid(),
  warehouse_id       uuid        NOT NULL,
  product_id         uuid        NOT NULL,
  location_id        uuid        NOT NULL,
  lot_id             uuid,
  quantity_on_hand   integer     NOT NULL DEFAULT 0 CHECK (quantity_on_hand >= 0),
  quantity_reserved  integer     NOT NULL DEFAULT 0 CHECK (quantity_reserved >= 0),
  quantity_available integer     GENERATED ALWAYS AS (quantity_on_hand - quantity_reserved) STORED,
  last_counted_at    timestamptz,
  version            bigint      NOT NULL DEFAULT 1 CHECK (version > 0),
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CONSTRAINT stock_balances_key UNIQUE NULLS NOT DISTINCT (organization_id, warehouse_id, product_id, location_id, lot_id),
  CHECK (quantity_reserved <= quantity_on_hand),
  FOREIGN KEY (organization_id, warehouse_id, product_id) REFERENCES inventory (organization_id, warehouse_id, product_id),
  FOREIGN KEY (organization_id, warehouse_id, location_id) REFERENCES locations (organization_id, warehouse_id, id),
  FOREIGN KEY (organization_id, product_id, lot_id) REFERENCES lots (organization_id, product_id, id)
);
-- A location's stock (deactivation needs it empty; cycle counts snapshot it).
CREATE INDEX stock_balances_location_idx ON stock_balances (organization_id, warehouse_id, location_id, product_id);
-- A lot's stock everywhere (FEFO across warehouses, expiry, traces).
CREATE INDEX stock_balances_lot_idx ON stock_balances (organization_id, lot_id) WHERE lot_id IS NOT NULL;
CREATE INDEX stock_balances_created_at_idx ON stock_balances (created_at, organization_id);

-- Which balances an active reservation of a lot- or serial-tracked product holds, and how much
-- of each: the sum of its rows is the reservation's quantity, and the sum over the active
-- reservations allocating a balance is the balance's quantity_reserved. Rows stay after the
-- reservation closes (its history: fulfilment issued exactly these).
CREATE TABLE reservation_allocations (
  organization_id uuid    NOT NULL,
  reservation_id  uuid    NOT NULL,
  balance_id      uuid    NOT NULL,
  location_id     uuid    NOT NULL,
  lot_id          uuid,
  quantity        integer NOT NULL CHECK (quantity > 0),
  PRIMARY KEY (organization_id, reservation_id, balance_id),
  FOREIGN KEY (organization_id, reservation_id) REFERENCES reservations (organization_id, id),
  FOREIGN KEY (organization_id, balance_id) REFERENCES stock_balances (organization_id, id)
);
CREATE INDEX reservation_allocations_balance_idx ON reservation_allocations (organization_id, balance_id);

-- ---- Cycle counts ----------------------------------------------------------------------------

-- A count of one location: started with a snapshot of its balances (one line each, expected
-- quantity as booked then), counted (blind: expected quantities are not shown while open), then
-- posted: each line's variance becomes an `adjust` ledger entry with reason cycle_count.
CREATE TABLE cycle_counts (
  organization_id uuid        NOT NULL,
  id              uuid        NOT NULL DEFAULT gen_random_uuid(),
  warehouse_id    uuid        NOT NULL,
  location_id     uuid        NOT NULL,
  status          text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'posted', 'cancelled')),
  blind           boolean     NOT NULL DEFAULT false,
  note            text        NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
  created_by      uuid,
  posted_by       uuid,
  version         integer     NOT NULL DEFAULT 1 CHECK (version > 0),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  posted_at       timestamptz,
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, warehouse_id, location_id) REFERENCES locations (organization_id, warehouse_id, id),
  CHECK ((status = 'posted') = (posted_at IS NOT NULL))
);
CREATE INDEX cycle_counts_location_idx ON cycle_counts (organization_id, warehouse_id, location_id, created_at);
-- At most one open count per location.
CREATE UNIQUE INDEX cycle_counts_one_open_idx ON cycle_counts (organization_id, location_id) WHERE status = 'open';

-- One product (and lot) of a count: expected from the snapshot, counted as entered. Lines for
-- stock found that was not in the snapshot are added with expected 0.
CREATE TABLE cycle_count_lines (
  organization_id   uuid        NOT NULL,
  cycle_count_id    uuid        NOT NULL,
  line_number       integer     NOT NULL CHECK (line_number > 0),
  product_id        uuid        NOT NULL,
  lot_id            uuid,
  expected_quantity integer     NOT NULL CHECK (expected_quantity >= 0),
  counted_quantity  integer     CHECK (counted_quantity >= 0),
  reason            text        CHECK (reason IN ('cycle_count', 'damaged', 'lost', 'found', 'expired_goods', 'correction', 'returned')),
  note              text        NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
  counted_by        uuid,
  counted_at        timestamptz,
  -- The adjust ledger entry posting wrote for a non-zero variance.
  transaction_id    uuid,
  PRIMARY KEY (organization_id, cycle_count_id, line_number),
  CONSTRAINT cycle_count_lines_item_key UNIQUE NULLS NOT DISTINCT (organization_id, cycle_count_id, product_id, lot_id),
  FOREIGN KEY (organization_id, cycle_count_id) REFERENCES cycle_counts (organization_id, id),
  FOREIGN KEY (organization_id, product_id) REFERENCES products (organization_id, id),
  FOREIGN KEY (organization_id, product_id, lot_id) REFERENCES lots (organization_id, product_id, id),
  CHECK ((counted_quantity IS NULL) = (counted_at IS NULL))
);

-- ---- The ledger ------------------------------------------------------------------------------

-- Where and which units moved. location_id: the balance's location (the warehouse's id for its
-- default location). lot_id: the balance's lot. No foreign keys on these two: the ledger is
-- append-only and written only by the movements that changed the (foreign-keyed) balance in
-- the same statement, and an extra key check per entry would slow the busiest statements.
ALTER TABLE inventory_transactions ADD COLUMN location_id uuid;
ALTER TABLE inventory_transactions ADD COLUMN lot_id uuid;
-- Set on the adjust entries a cycle count posted.
ALTER TABLE inventory_transactions ADD COLUMN cycle_count_id uuid;

-- Existing entries all moved stock of the default location.
ALTER TABLE inventory_transactions NO FORCE ROW LEVEL SECURITY;
UPDATE inventory_transactions SET location_id = warehouse_id;
ALTER TABLE inventory_transactions FORCE ROW LEVEL SECURITY;
ALTER TABLE inventory_transactions ALTER COLUMN location_id SET NOT NULL;

-- New entry types: `move_out` / `move_in`, the two sides of MoveStock inside a warehouse (they
-- share transfer_id like a transfer's, and change on-hand of a balance, not of the level), and
-- `expire` stays the reservation lapse. The type list and the per-type shapes are replaced.
DO $$
DECLARE c record;
BEGIN
  FOR c IN SELECT conname FROM pg_constraint
           WHERE conrelid = 'inventory_transactions'::regclass AND contype = 'c'
             AND pg_get_constraintdef(oid) LIKE '%transfer_out%' LOOP
    EXECUTE format('ALTER TABLE inventory_transactions DROP CONSTRAINT %I', c.conname);
  END LOOP;
END $$;
ALTER TABLE inventory_transactions ADD CONSTRAINT inventory_transactions_type_check
  CHECK (type IN ('receive', 'issue', 'adjust', 'transfer_out', 'transfer_in', 'move_out', 'move_in', 'reserve', 'release', 'expire'));
ALTER TABLE inventory_transactions ADD CONSTRAINT inventory_transactions_shape_check CHECK (CASE type
    WHEN 'receive'      THEN on_hand_delta > 0 AND reserved_delta = 0
    WHEN 'transfer_in'  THEN on_hand_delta > 0 AND reserved_delta = 0
    WHEN 'move_in'      THEN on_hand_delta > 0 AND reserved_delta = 0
    WHEN 'transfer_out' THEN on_hand_delta < 0 AND reserved_delta = 0
    WHEN 'move_out'     THEN on_hand_delta < 0 AND reserved_delta = 0
    WHEN 'issue'        THEN on_hand_delta < 0 AND (reserved_delta = 0 OR (reserved_delta = on_hand_delta AND reservation_id IS NOT NULL))
    WHEN 'adjust'       THEN reserved_delta = 0
    WHEN 'reserve'      THEN on_hand_delta = 0 AND reserved_delta > 0
    ELSE                     on_hand_delta = 0 AND reserved_delta < 0
  END);
ALTER TABLE inventory_transactions ADD CONSTRAINT inventory_transactions_transfer_check
  CHECK ((type IN ('transfer_out', 'transfer_in', 'move_out', 'move_in')) = (transfer_id IS NOT NULL));
ALTER TABLE inventory_transactions ADD CONSTRAINT inventory_transactions_cycle_count_check
  CHECK (cycle_count_id IS NULL OR type = 'adjust');
-- A lot's history (TraceLot) and a location's.
CREATE INDEX inventory_transactions_lot_idx ON inventory_transactions (organization_id, lot_id, created_at, id) WHERE lot_id IS NOT NULL;
CREATE INDEX inventory_transactions_location_idx ON inventory_transactions (organization_id, location_id, created_at, id)
  WHERE location_id <> warehouse_id;

-- The serial numbers a ledger entry moved (an entry of a serial-tracked product moves exactly
-- |on_hand_delta| or |reserved_delta| of them): a serial number's history.
CREATE TABLE inventory_transaction_serials (
  organization_id  uuid NOT NULL,
  transaction_id   uuid NOT NULL,
  serial_number_id uuid NOT NULL,
  PRIMARY KEY (organization_id, transaction_id, serial_number_id),
  FOREIGN KEY (organization_id, transaction_id) REFERENCES inventory_transactions (organization_id, id),
  FOREIGN KEY (organization_id, serial_number_id) REFERENCES serial_numbers (organization_id, id)
);
CREATE INDEX inventory_transaction_serials_serial_idx ON inventory_transaction_serials (organization_id, serial_number_id);
REVOKE UPDATE, DELETE, TRUNCATE ON inventory_transaction_serials FROM imsop_app;

-- ---- Procurement receipts of lots ----------------------------------------------------------

-- The lot a receipt line booked its units to (procurement's record of it; the lot itself is
-- inventory's, so no foreign key across the domains).
ALTER TABLE receipt_lines ADD COLUMN lot_id uuid;
ALTER TABLE receipt_lines ADD COLUMN lot_number text NOT NULL DEFAULT '';

-- ---- Row level security and audit ---------------------------------------------------------

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['locations', 'lots', 'serial_numbers', 'stock_balances', 'reservation_allocations',
                           'cycle_counts', 'cycle_count_lines', 'inventory_transaction_serials'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format($p$CREATE POLICY tenant_isolation ON %I
      USING (organization_id = nullif(current_setting('app.org_id', true), '')::uuid)
      WITH CHECK (organization_id = nullif(current_setting('app.org_id', true), '')::uuid)$p$, t);
  END LOOP;
END $$;

-- Row audit like the catalogue: locations, lots, serial numbers and cycle counts, every change.
-- Balances and allocations are not audited for the reason 0004 gives for levels: the ledger
-- records every quantity change with its actor.
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['locations', 'lots', 'serial_numbers', 'cycle_counts'] LOOP
    EXECUTE format('CREATE TRIGGER audit_row_change AFTER INSERT OR UPDATE OR DELETE ON %I
      FOR EACH ROW EXECUTE FUNCTION audit_row_change()', t);
  END LOOP;
END $$;
