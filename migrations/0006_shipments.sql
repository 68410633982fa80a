-- Shipments and live tracking: shipments with their items, and the per-shipment history of
-- tracking points that scanners stream in and watchers stream out.
--
-- Tenancy rules as in 0001 (DESIGN.md 1-3): organization_id leads every primary key and unique
-- constraint, references between tenant tables are composite (organization_id, x_id), and every
-- table has ENABLE + FORCE row level security with the fail-closed policy on app.org_id.

-- A shipment moves goods into (inbound), out of (outbound) or between (transfer) the
-- organization's warehouses; the CHECKs make the warehouse combinations of each type and the
-- status/date combinations of the lifecycle the only representable ones.
--
-- last_sequence numbers the shipment's tracking points (1, 2, 3... without gaps). It is
-- advanced in the transaction that inserts the points, under this row's lock, so concurrent
-- writers of one shipment take turns and never collide or leave holes; watchers rely on the
-- "no holes" property to detect a missed live event.
CREATE TABLE shipments (
  organization_id          uuid        NOT NULL REFERENCES organizations (id),
  id                       uuid        NOT NULL DEFAULT gen_random_uuid(),
  type                     text        NOT NULL CHECK (type IN ('inbound', 'outbound', 'transfer')),
  status                   text        NOT NULL DEFAULT 'pending'
                                       CHECK (status IN ('pending', 'in_transit', 'delivered', 'exception', 'cancelled')),
  carrier                  text        NOT NULL CHECK (length(carrier) BETWEEN 1 AND 100),
  tracking_number          text        CHECK (length(tracking_number) BETWEEN 1 AND 100),
  origin_warehouse_id      uuid,
  destination_warehouse_id uuid,
  purchase_order_id        uuid,
  expected_ship_at         timestamptz,
  expected_delivery_at     timestamptz,
  -- Actual dispatch (first move to in_transit) and arrival.
  shipped_at               timestamptz,
  delivered_at             timestamptz,
  status_reason            text        NOT NULL DEFAULT '' CHECK (length(status_reason) <= 500),
  last_sequence            bigint      NOT NULL DEFAULT 0 CHECK (last_sequence >= 0),
  -- Bumped on every change of the shipment's own fields (not by tracking points); the etag.
  version                  integer     NOT NULL DEFAULT 1 CHECK (version > 0),
  -- The user or API key that created it (no foreign key: API keys are principals too).
  created_by               uuid,
  created_at               timestamptz NOT NULL DEFAULT now(),
  updated_at               timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  -- Target of shipment_tracking's foreign key: it pins each point's partition key to its
  -- shipment's creation time (see there).
  UNIQUE (organization_id, id, created_at),
  -- Named: the service turns a violation of each into the NOT_FOUND of the missing resource.
  CONSTRAINT shipments_origin_warehouse_fkey FOREIGN KEY (organization_id, origin_warehouse_id) REFERENCES warehouses (organization_id, id),
  CONSTRAINT shipments_destination_warehouse_fkey FOREIGN KEY (organization_id, destination_warehouse_id) REFERENCES warehouses (organization_id, id),
  CONSTRAINT shipments_purchase_order_fkey FOREIGN KEY (organization_id, purchase_order_id) REFERENCES purchase_orders (organization_id, id),
  CHECK (CASE type
    WHEN 'inbound'  THEN origin_warehouse_id IS NULL AND destination_warehouse_id IS NOT NULL
    WHEN 'outbound' THEN origin_warehouse_id IS NOT NULL AND destination_warehouse_id IS NULL
    ELSE origin_warehouse_id IS NOT NULL AND destination_warehouse_id IS NOT NULL AND origin_warehouse_id <> destination_warehouse_id
  END),
  CHECK (purchase_order_id IS NULL OR type = 'inbound'),
  CHECK (expected_delivery_at >= expected_ship_at),
  -- Dispatch happens once, on the way to in_transit; nothing dispatched can be cancelled, and
  -- only something dispatched can be delivered.
  CHECK (CASE status
    WHEN 'pending'   THEN shipped_at IS NULL
    WHEN 'cancelled' THEN shipped_at IS NULL
    WHEN 'exception' THEN true
    ELSE shipped_at IS NOT NULL
  END),
  CHECK ((delivered_at IS NOT NULL) = (status = 'delivered'))
);
-- Lookup by tracking number (alone or with the carrier), unique per carrier compared
-- case-insensitively ("DHL" and "dhl" are one carrier).
CREATE UNIQUE INDEX shipments_tracking_number_key ON shipments (organization_id, tracking_number, lower(carrier));
-- ListShipments is newest first (created_at, id): organization-wide, by status, by warehouse
-- (these two also index the foreign keys).
CREATE INDEX shipments_org_time_idx ON shipments (organization_id, created_at, id);
CREATE INDEX shipments_org_status_idx ON shipments (organization_id, status, created_at, id);
CREATE INDEX shipments_origin_idx ON shipments (organization_id, origin_warehouse_id, created_at, id) WHERE origin_warehouse_id IS NOT NULL;
CREATE INDEX shipments_destination_idx ON shipments (organization_id, destination_warehouse_id, created_at, id) WHERE destination_warehouse_id IS NOT NULL;
CREATE INDEX shipments_purchase_order_idx ON shipments (organization_id, purchase_order_id) WHERE purchase_order_id IS NOT NULL;
CREATE INDEX shipments_created_at_idx ON shipments (created_at, organization_id);

-- What travels: one line per product, fixed at creation.
CREATE TABLE shipment_items (
  organization_id uuid    NOT NULL,
  shipment_id     uuid    NOT NULL,
  line_number     integer NOT NULL CHECK (line_number > 0),
  product_id      uuid    NOT NULL,
  quantity        integer NOT NULL CHECK (quantity > 0),
  PRIMARY KEY (organization_id, shipment_id, line_number),
  UNIQUE (organization_id, shipment_id, product_id),
  FOREIGN KEY (organization_id, shipment_id) REFERENCES shipments (organization_id, id) ON DELETE CASCADE,
  CONSTRAINT shipment_items_product_fkey FOREIGN KEY (organization_id, product_id) REFERENCES products (organization_id, id)
);
CREATE INDEX shipment_items_product_idx ON shipment_items (organization_id, product_id);

-- Tracking points: high-volume, append-only time series, partitioned by month.
--
-- The partition key is the creation time of the point's *shipment*, copied into every point
-- (and held equal to it by the composite foreign key). So one shipment's whole history lives
-- in one partition, which is what lets the primary key and the update_id constraint be truly
-- unique although PostgreSQL requires the partition key in both: for a given shipment the key
-- has exactly one value. (Partitioning by the event or ingest time would allow a re-sent
-- update to land in another month's partition and be stored twice.) Retention (DESIGN.md 9)
-- detaches and archives whole months of shipments' histories.
--
-- update_id is the scanner's idempotency key: a re-sent update finds its stored point and is
-- acked with the same sequence. NULL for points the server records itself (status changes).
--
-- No row-audit trigger: at thousands of points a second it would double every write and flood
-- audit_log, and the rows are their own audit trail (recorded_by, recorded_at; the service may
-- only append). Status changes are audited through the shipments row they change.
CREATE TABLE shipment_tracking (
  organization_id     uuid             NOT NULL,
  shipment_id         uuid             NOT NULL,
  shipment_created_at timestamptz      NOT NULL,
  sequence            bigint           NOT NULL CHECK (sequence > 0),
  update_id           text             CHECK (update_id ~ '^[!-~]{1,128}$'),
  location            text             NOT NULL DEFAULT '' CHECK (length(location) <= 500),
  latitude            double precision CHECK (latitude BETWEEN -90 AND 90),
  longitude           double precision CHECK (longitude BETWEEN -180 AND 180),
  event_time          timestamptz      NOT NULL,
  recorded_at         timestamptz      NOT NULL DEFAULT now(),
  -- The status this point moved the shipment to; NULL when it did not change it.
  status              text             CHECK (status IN ('pending', 'in_transit', 'delivered', 'exception', 'cancelled')),
  note                text             NOT NULL DEFAULT '' CHECK (length(note) <= 500),
  recorded_by         uuid,
  PRIMARY KEY (organization_id, shipment_id, sequence, shipment_created_at),
  UNIQUE (organization_id, shipment_id, update_id, shipment_created_at),
  FOREIGN KEY (organization_id, shipment_id, shipment_created_at) REFERENCES shipments (organization_id, id, created_at),
  CHECK ((latitude IS NULL) = (longitude IS NULL))
) PARTITION BY RANGE (shipment_created_at);
REVOKE UPDATE, DELETE, TRUNCATE ON shipment_tracking FROM imsop_app;

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['shipments', 'shipment_items', 'shipment_tracking'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format($p$CREATE POLICY tenant_isolation ON %I
      USING (organization_id = nullif(current_setting('app.org_id', true), '')::uuid)
      WITH CHECK (organization_id = nullif(current_setting('app.org_id', true), '')::uuid)$p$, t);
  END LOOP;
END $$;

-- Creates the monthly partitions of shipment_tracking for the month of `around` and the
-- `months_ahead` months after it (UTC months), if missing. Run by this migration and by every
-- server instance at start and periodically, so next month's partition exists long before a
-- shipment created in it gets its first point (there is deliberately no DEFAULT partition: rows
-- parked there would block creating the month's partition later).
--
-- Each partition gets the parent's row level security (ENABLE + FORCE + the same policy) and
-- no privileges for the app role: the service reaches the rows only through the parent, where
-- the parent's policy applies; the partition's own policy keeps a direct query fail-closed too.
-- SECURITY DEFINER because creating tables is the owner's right; the function can create
-- nothing but these partitions. An advisory lock serialises instances starting together.
CREATE FUNCTION ensure_shipment_tracking_partitions(around timestamptz, months_ahead integer) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  first_month timestamp := date_trunc('month', around AT TIME ZONE 'UTC');
  month_start timestamp;
  partition_name text;
  created integer := 0;
BEGIN
  IF months_ahead IS NULL OR months_ahead NOT BETWEEN 0 AND 24 THEN
    RAISE EXCEPTION 'months_ahead must be between 0 and 24' USING ERRCODE = '22023';
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('ensure_shipment_tracking_partitions'));
  FOR i IN 0..months_ahead LOOP
    month_start := first_month + make_interval(months => i);
    partition_name := 'shipment_tracking_' || to_char(month_start, 'YYYY_MM');
    CONTINUE WHEN to_regclass(partition_name) IS NOT NULL;
    EXECUTE format('CREATE TABLE %I PARTITION OF shipment_tracking FOR VALUES FROM (%L) TO (%L)',
      partition_name, month_start AT TIME ZONE 'UTC', (month_start + interval '1 month') AT TIME ZONE 'UTC');
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', partition_name);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', partition_name);
    EXECUTE format($p$CREATE POLICY tenant_isolation ON %I
      USING (organization_id = nullif(current_setting('app.org_id', true), '')::uuid)
      WITH CHECK (organization_id = nullif(current_setting('app.org_id', true), '')::uuid)$p$, partition_name);
    EXECUTE format('REVOKE ALL ON %I FROM imsop_app', partition_name);
    created := created + 1;
  END LOOP;
  RETURN created;
END
$$;
REVOKE ALL ON FUNCTION ensure_shipment_tracking_partitions(timestamptz, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ensure_shipment_tracking_partitions(timestamptz, integer) TO imsop_app;

SELECT ensure_shipment_tracking_partitions(now(), 1);

-- Audited (0002's trigger): shipments and their items. For shipments only real changes count:
-- advancing last_sequence with each batch of tracking points is bookkeeping, and auditing it
-- would write an audit row per scanner batch.
CREATE TRIGGER audit_row_change AFTER INSERT OR DELETE ON shipments
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();
CREATE TRIGGER audit_row_change_update AFTER UPDATE ON shipments
  FOR EACH ROW WHEN ((to_jsonb(OLD) - 'last_sequence') IS DISTINCT FROM (to_jsonb(NEW) - 'last_sequence'))
  EXECUTE FUNCTION audit_row_change();
CREATE TRIGGER audit_row_change AFTER INSERT OR UPDATE OR DELETE ON shipment_items
  FOR EACH ROW EXECUTE FUNCTION audit_row_change();
