-- Analytics and data retention: the analytics event stream (partitioned by month), the daily
-- metrics aggregated from the domain tables, the archive schema that retention moves old rows
-- into, and the SQL functions that do the cross-tenant parts of both safely.
--
-- Tenancy rules as in 0001 (DESIGN.md 1-3), in the archive too: organization_id leads every key,
-- ENABLE + FORCE row level security with the fail-closed policy on app.org_id. Retention keeps
-- rows under the same rules in both places: per tenant, the moves run inside that tenant's
-- transaction, so the policies themselves guarantee a move never crosses tenants.
--
-- The `archive` schema is created (owned by imsop_owner) by src/platform/db/migrate.ts before
-- migrations run: creating a schema needs a database privilege the owner role does not hold.

-- ---------------------------------------------------------------------------------------------
-- Events
-- ---------------------------------------------------------------------------------------------

-- One row per analysable action: written by the domains in the transaction of the action itself
-- (src/analytics/record-event.ts; a rolled-back action leaves no event), or sent by clients in
-- batches (source 'client'). High volume and append-only: partitioned by month on occurred_at,
-- so retention moves whole months as a partition operation (DESIGN.md 9). The primary key leads
-- with organization_id and includes the partition key, as PostgreSQL requires; (occurred_at, id)
-- is also the keyset order of ListEvents.
--
-- No foreign key to organizations (like audit_log: the append path takes no lock on the tenant
-- root), no row-audit trigger (the rows are their own record: actor, time, what), and the
-- service may only append.
CREATE TABLE analytics_events (
  organization_id uuid        NOT NULL,
  id              uuid        NOT NULL DEFAULT gen_random_uuid(),
  -- When it happened: the action's transaction time, or the client's time for client events.
  occurred_at     timestamptz NOT NULL DEFAULT now(),
  -- When the server stored it.
  recorded_at     timestamptz NOT NULL DEFAULT now(),
  -- Dotted lower-case name, e.g. inventory.stock_moved; the domains' prefixes are reserved for
  -- server events (src/analytics/event-types.ts).
  event_type      text        NOT NULL CHECK (length(event_type) <= 100 AND event_type ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$'),
  source          text        NOT NULL CHECK (source IN ('server', 'client')),
  entity_type     text        NOT NULL DEFAULT '' CHECK (entity_type ~ '^([a-z][a-z0-9_]{0,62})?$'),
  entity_id       text        NOT NULL DEFAULT '' CHECK (length(entity_id) <= 200),
  actor_kind      text        NOT NULL CHECK (actor_kind IN ('user', 'api_key', 'system')),
  actor_id        uuid,
  metadata        jsonb       NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(metadata) = 'object' AND pg_column_size(metadata) <= 65536),
  PRIMARY KEY (organization_id, occurred_at, id),
  CHECK ((actor_kind = 'system') = (actor_id IS NULL))
) PARTITION BY RANGE (occurred_at);
-- ListEvents' filters, each in the listing's (occurred_at, id) order.
CREATE INDEX analytics_events_type_idx ON analytics_events (organization_id, event_type, occurred_at, id);
CREATE INDEX analytics_events_entity_idx ON analytics_events (organization_id, entity_type, entity_id, occurred_at, id);
REVOKE UPDATE, DELETE, TRUNCATE ON analytics_events FROM imsop_app;

ALTER TABLE analytics_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE analytics_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON analytics_events
  USING (organization_id = nullif(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (organization_id = nullif(current_setting('app.org_id', true), '')::uuid);
-- Retention's partition step (archive_analytics_event_partitions, below) runs as the owner
-- across tenants and must count the rows of a month it moves and see whether a month is empty.
-- Read-only: deletes and inserts by the owner still pass only the tenant policy.
CREATE POLICY owner_counts_for_retention ON analytics_events FOR SELECT TO imsop_owner USING (true);

-- Creates the monthly partitions of analytics_events for the month of `around` and the
-- `months_ahead` months after it (UTC months), if missing. Run by this migration, by every server
-- instance at start and every few hours (src/analytics/event-partitions.ts), so a month's
-- partition exists long before its first event. There is no DEFAULT partition on purpose: rows
-- parked there would block creating their month's partition later.
--
-- Each partition gets the parent's row level security (ENABLE + FORCE + the same policy) and no
-- privileges for the app role, which reaches rows only through the parent. SECURITY DEFINER
-- because creating tables is the owner's right; it can create nothing but these partitions. An
-- advisory lock serialises instances starting together. Creating a partition locks
-- analytics_events exclusively, and every domain transaction that records an event waits behind
-- a waiting CREATE: lock_timeout keeps that wait short, and a month that could not be created
-- now is created on the next try (there are months of margin).
CREATE FUNCTION ensure_analytics_event_partitions(around timestamptz, months_ahead integer) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET lock_timeout = '1s'
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
  PERFORM pg_advisory_xact_lock(hashtext('ensure_analytics_event_partitions'));
  FOR i IN 0..months_ahead LOOP
    month_start := first_month + make_interval(months => i);
    partition_name := 'analytics_events_' || to_char(month_start, 'YYYY_MM');
    CONTINUE WHEN to_regclass('public.' || partition_name) IS NOT NULL;
    EXECUTE format('CREATE TABLE public.%I PARTITION OF analytics_events FOR VALUES FROM (%L) TO (%L)',
      partition_name, month_start AT TIME ZONE 'UTC', (month_start + interval '1 month') AT TIME ZONE 'UTC');
    PERFORM secure_partition('public', partition_name);
    created := created + 1;
  END LOOP;
  RETURN created;
END
$$;

-- The row level security every partition repeats from its parent (ENABLE + FORCE + the tenant
-- policy), and no privileges for the app role: a partition is reached through its parent, and
-- queried directly it still shows nothing without the tenant.
CREATE FUNCTION secure_partition(schema_name text, table_name text) RETURNS void
  LANGUAGE plpgsql SET search_path = public, pg_temp
AS $$
BEGIN
  EXECUTE format('ALTER TABLE %I.%I ENABLE ROW LEVEL SECURITY', schema_name, table_name);
  EXECUTE format('ALTER TABLE %I.%I FORCE ROW LEVEL SECURITY', schema_name, table_name);
  EXECUTE format($p$CREATE POLICY tenant_isolation ON %I.%I
    USING (organization_id = nullif(current_setting('app.org_id', true), '')::uuid)
    WITH CHECK (organization_id = nullif(current_setting('app.org_id', true), '')::uuid)$p$, schema_name, table_name);
  EXECUTE format('REVOKE ALL ON %I.%I FROM imsop_app', schema_name, table_name);
END
$$;
REVOKE ALL ON FUNCTION secure_partition(text, text) FROM PUBLIC;
REVOKE ALL ON FUNCTION ensure_analytics_event_partitions(timestamptz, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ensure_analytics_event_partitions(timestamptz, integer) TO imsop_app;

-- The previous month too: client events may be stamped up to a week back.
SELECT ensure_analytics_event_partitions(now() - interval '1 month', 3);

-- ---------------------------------------------------------------------------------------------
-- Metrics
-- ---------------------------------------------------------------------------------------------

-- Daily figures per organization, aggregated from the domain tables by src/analytics/aggregate.ts
-- (the catalogue of metrics, their units and definitions: src/analytics/metric-catalogue.ts).
-- One row per (metric, dimension, currency, UTC day). Aggregating a day replaces that day's rows
-- in one transaction (upsert, then delete what no longer exists), so running it again gives the
-- same rows, never doubled ones.
--
-- dimension_kind / dimension_value break a metric down ('warehouse' + its id, 'supplier',
-- 'carrier', 'movement_type'); both empty for the organization-wide total. currency_code is set
-- for money metrics only (one row per currency: amounts in different currencies never add up).
-- value is exact (numeric): money, counts, seconds, or a ratio in [0, 1]; sample_count is how
-- many things it was computed from (levels, orders, lines, shipments), so averages and rates of
-- several days combine by weight.
CREATE TABLE analytics_metrics (
  organization_id uuid        NOT NULL REFERENCES organizations (id),
  metric          text        NOT NULL CHECK (metric ~ '^[a-z][a-z0-9_]{0,62}$'),
  dimension_kind  text        NOT NULL DEFAULT '' CHECK (dimension_kind IN ('', 'warehouse', 'supplier', 'carrier', 'movement_type')),
  dimension_value text        NOT NULL DEFAULT '' CHECK (length(dimension_value) <= 200),
  currency_code   text        NOT NULL DEFAULT '' CHECK (currency_code ~ '^([A-Z]{3})?$'),
  day             date        NOT NULL,
  value           numeric     NOT NULL,
  sample_count    bigint      NOT NULL DEFAULT 0 CHECK (sample_count >= 0),
  computed_at     timestamptz NOT NULL DEFAULT now(),
  -- Serves QueryMetric: one series (metric, dimension, currency) over a range of days.
  PRIMARY KEY (organization_id, metric, dimension_kind, dimension_value, currency_code, day),
  CHECK ((dimension_kind = '') = (dimension_value = ''))
);
-- Replacing one day, and the KPI summary's "latest day".
CREATE INDEX analytics_metrics_day_idx ON analytics_metrics (organization_id, day);
CREATE INDEX analytics_metrics_computed_at_idx ON analytics_metrics (computed_at, organization_id);

ALTER TABLE analytics_metrics ENABLE ROW LEVEL SECURITY;
ALTER TABLE analytics_metrics FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON analytics_metrics
  USING (organization_id = nullif(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (organization_id = nullif(current_setting('app.org_id', true), '')::uuid);

-- Counting tracking points by the time they were recorded (the "tracking updates ingested"
-- metric) and finding points past their retention, one organization at a time, without reading
-- the organization's whole history. Created on the partitioned parent: every month partition,
-- present and future, gets it.
CREATE INDEX shipment_tracking_org_recorded_idx ON shipment_tracking (organization_id, recorded_at);

-- ---------------------------------------------------------------------------------------------
-- Cross-tenant background work
-- ---------------------------------------------------------------------------------------------

-- Aggregation and retention visit every organization, but the app role sees no tenant rows
-- without a tenant. This function answers only "which organizations exist", in id order, a page
-- at a time (keyset on id); the work itself then happens inside each organization's own
-- transaction, under its row level security like any request.
CREATE FUNCTION maintenance_organization_ids(after_id uuid, max_organizations integer) RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT id FROM organizations
  WHERE after_id IS NULL OR id > after_id
  ORDER BY id
  LIMIT least(greatest(max_organizations, 1), 10000)
$$;
REVOKE ALL ON FUNCTION maintenance_organization_ids(uuid, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION maintenance_organization_ids(uuid, integer) TO imsop_app;

-- When each scheduled job (aggregation, retention) last ran, across all instances: an instance
-- claims a run only when the previous one is at least the job's interval old, so N instances on
-- the same schedule do the work once per interval, not N times. Not tenant data (one row per
-- job); the app role cannot touch it except through claim_maintenance_run.
CREATE TABLE maintenance_runs (
  job        text        PRIMARY KEY CHECK (job ~ '^[a-z][a-z0-9_.-]{0,62}$'),
  claimed_at timestamptz NOT NULL,
  claimed_by text        NOT NULL CHECK (length(claimed_by) <= 200)
);
REVOKE ALL ON maintenance_runs FROM imsop_app;

-- Claims the next run of `job` for `instance` when the last claim is at least `min_interval`
-- old (or there was none). Concurrent claimants queue on the row: exactly one wins per interval.
-- Callers claim in a short transaction of its own (a long one would keep the row locked and hold
-- a transaction id open for the whole run); a run that then fails is retried one interval later.
CREATE FUNCTION claim_maintenance_run(job_name text, instance text, min_interval interval) RETURNS boolean
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  claimed boolean;
BEGIN
  INSERT INTO maintenance_runs (job, claimed_at, claimed_by) VALUES (job_name, '-infinity', instance)
    ON CONFLICT (job) DO NOTHING;
  UPDATE maintenance_runs SET claimed_at = clock_timestamp(), claimed_by = instance
    WHERE job = job_name AND claimed_at <= clock_timestamp() - min_interval
    RETURNING true INTO claimed;
  RETURN coalesce(claimed, false);
END
$$;
REVOKE ALL ON FUNCTION claim_maintenance_run(text, text, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION claim_maintenance_run(text, text, interval) TO imsop_app;

-- ---------------------------------------------------------------------------------------------
-- Archive
-- ---------------------------------------------------------------------------------------------

-- Rows past their retention window (DESIGN.md 9; windows configured in src/config.ts), moved out
-- of the live tables: purchase orders closed or cancelled long ago with their items, receipts
-- and receipt lines, old tracking points, old analytics events. Same keys, same tenant policy;
-- the app role may read its own organization's archived rows and change nothing. Generated
-- columns of the live tables (po_number, line_total) are stored as the values they had.
-- archived_at records when a row moved. No foreign keys: archived rows keep pointing at live
-- products, warehouses, shipments and ledger rows by id, without holding those back.
GRANT USAGE ON SCHEMA archive TO imsop_app;

CREATE TABLE archive.purchase_orders (
  organization_id                uuid           NOT NULL,
  id                             uuid           NOT NULL,
  number                         bigint         NOT NULL,
  po_number                      text           NOT NULL,
  supplier_id                    uuid           NOT NULL,
  status                         text           NOT NULL,
  currency_code                  text           NOT NULL,
  total_amount                   numeric(19, 4) NOT NULL,
  over_receipt_tolerance_percent integer        NOT NULL,
  notes                          text           NOT NULL,
  last_line_number               integer        NOT NULL,
  created_by                     uuid,
  submitted_at                   timestamptz,
  approved_at                    timestamptz,
  approved_by                    uuid,
  received_at                    timestamptz,
  closed_at                      timestamptz,
  cancelled_at                   timestamptz,
  cancel_reason                  text,
  version                        integer        NOT NULL,
  created_at                     timestamptz    NOT NULL,
  updated_at                     timestamptz    NOT NULL,
  archived_at                    timestamptz    NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  UNIQUE (organization_id, number)
);
CREATE INDEX purchase_orders_org_supplier_idx ON archive.purchase_orders (organization_id, supplier_id, number);

CREATE TABLE archive.purchase_order_items (
  organization_id   uuid           NOT NULL,
  id                uuid           NOT NULL,
  purchase_order_id uuid           NOT NULL,
  line_number       integer        NOT NULL,
  product_id        uuid           NOT NULL,
  quantity_ordered  integer        NOT NULL,
  quantity_received integer        NOT NULL,
  unit_price        numeric(19, 4) NOT NULL,
  line_total        numeric(19, 4) NOT NULL,
  expected_date     date           NOT NULL,
  fully_received_at timestamptz,
  created_at        timestamptz    NOT NULL,
  updated_at        timestamptz    NOT NULL,
  archived_at       timestamptz    NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  UNIQUE (organization_id, purchase_order_id, line_number)
);

CREATE TABLE archive.receipts (
  organization_id   uuid        NOT NULL,
  id                uuid        NOT NULL,
  purchase_order_id uuid        NOT NULL,
  warehouse_id      uuid        NOT NULL,
  received_by       uuid,
  received_at       timestamptz NOT NULL,
  notes             text        NOT NULL,
  created_at        timestamptz NOT NULL,
  archived_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id)
);
CREATE INDEX receipts_order_idx ON archive.receipts (organization_id, purchase_order_id, received_at, id);

CREATE TABLE archive.receipt_lines (
  organization_id          uuid        NOT NULL,
  receipt_id               uuid        NOT NULL,
  purchase_order_item_id   uuid        NOT NULL,
  product_id               uuid        NOT NULL,
  quantity                 integer     NOT NULL,
  inventory_transaction_id uuid        NOT NULL,
  archived_at              timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, receipt_id, purchase_order_item_id)
);

-- Points keep their live key (a shipment's sequence numbers stay unique across both places).
CREATE TABLE archive.shipment_tracking (
  organization_id     uuid             NOT NULL,
  shipment_id         uuid             NOT NULL,
  shipment_created_at timestamptz      NOT NULL,
  sequence            bigint           NOT NULL,
  update_id           text,
  location            text             NOT NULL,
  latitude            double precision,
  longitude           double precision,
  event_time          timestamptz      NOT NULL,
  recorded_at         timestamptz      NOT NULL,
  status              text,
  note                text             NOT NULL,
  recorded_by         uuid,
  archived_at         timestamptz      NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, shipment_id, sequence, shipment_created_at)
);

-- Partitioned like the live table, with exactly its columns: a whole month moves here by
-- detaching its live partition and attaching it below (a catalogue change, not a copy).
CREATE TABLE archive.analytics_events (
  organization_id uuid        NOT NULL,
  id              uuid        NOT NULL,
  occurred_at     timestamptz NOT NULL,
  recorded_at     timestamptz NOT NULL,
  event_type      text        NOT NULL,
  source          text        NOT NULL,
  entity_type     text        NOT NULL,
  entity_id       text        NOT NULL,
  actor_kind      text        NOT NULL,
  actor_id        uuid,
  metadata        jsonb       NOT NULL,
  PRIMARY KEY (organization_id, occurred_at, id)
) PARTITION BY RANGE (occurred_at);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['purchase_orders', 'purchase_order_items', 'receipts', 'receipt_lines', 'shipment_tracking', 'analytics_events'] LOOP
    EXECUTE format('ALTER TABLE archive.%I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE archive.%I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format($p$CREATE POLICY tenant_isolation ON archive.%I
      USING (organization_id = nullif(current_setting('app.org_id', true), '')::uuid)
      WITH CHECK (organization_id = nullif(current_setting('app.org_id', true), '')::uuid)$p$, t);
    EXECUTE format('REVOKE ALL ON archive.%I FROM imsop_app', t);
    EXECUTE format('GRANT SELECT ON archive.%I TO imsop_app', t);
  END LOOP;
END $$;
CREATE POLICY owner_counts_for_retention ON archive.analytics_events FOR SELECT TO imsop_owner USING (true);

-- The archive partition of analytics_events for `month_start`'s month, created when missing.
CREATE FUNCTION ensure_archive_event_partition(month_start timestamptz) RETURNS text
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  first timestamp := date_trunc('month', month_start AT TIME ZONE 'UTC');
  partition_name text := 'analytics_events_' || to_char(first, 'YYYY_MM');
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('ensure_archive_event_partition'));
  IF to_regclass('archive.' || partition_name) IS NULL THEN
    EXECUTE format('CREATE TABLE archive.%I PARTITION OF archive.analytics_events FOR VALUES FROM (%L) TO (%L)',
      partition_name, first AT TIME ZONE 'UTC', (first + interval '1 month') AT TIME ZONE 'UTC');
    PERFORM secure_partition('archive', partition_name);
  END IF;
  RETURN partition_name;
END
$$;
REVOKE ALL ON FUNCTION ensure_archive_event_partition(timestamptz) FROM PUBLIC;

-- ---------------------------------------------------------------------------------------------
-- Retention moves
-- ---------------------------------------------------------------------------------------------
--
-- Each function below moves (or, with dry_run, counts) one bounded batch of ONE organization's
-- rows past `cutoff`: it must be called inside a tenant transaction (app.org_id set), and since
-- row level security applies to the owner too (FORCE), the tenant policy is what limits every
-- DELETE and INSERT to that organization, whatever the function's own filters say. A batch
-- deletes from the live table and inserts into the archive in one statement, so a row is always
-- in exactly one of the two; a crash between batches loses nothing and the next run resumes
-- where this one stopped (whatever is still past the cutoff). SKIP LOCKED: a row a request is
-- holding is left for the next batch instead of waiting.
--
-- SECURITY DEFINER: the service role may not delete tracking points, receipts or events, and
-- cannot write to the archive at all; these functions are its only way to, and they refuse a
-- cutoff less than a month in the past, so not even a compromised service can archive current
-- work. Nothing here touches inventory (levels, ledger, reservations, products, warehouses).

CREATE FUNCTION retention_tenant() RETURNS uuid
  LANGUAGE plpgsql STABLE SET search_path = public, pg_temp
AS $$
DECLARE
  org uuid := nullif(current_setting('app.org_id', true), '')::uuid;
BEGIN
  IF org IS NULL THEN
    RAISE EXCEPTION 'retention runs inside a tenant transaction (app.org_id is not set)' USING ERRCODE = '42501';
  END IF;
  RETURN org;
END
$$;

CREATE FUNCTION check_retention_cutoff(cutoff timestamptz, max_rows integer) RETURNS void
  LANGUAGE plpgsql STABLE SET search_path = public, pg_temp
AS $$
BEGIN
  IF cutoff IS NULL OR cutoff > now() - interval '1 month' THEN
    RAISE EXCEPTION 'a retention cutoff must be at least one month in the past' USING ERRCODE = '22023';
  END IF;
  IF max_rows IS NULL OR max_rows NOT BETWEEN 1 AND 100000 THEN
    RAISE EXCEPTION 'max_rows must be between 1 and 100000' USING ERRCODE = '22023';
  END IF;
END
$$;
REVOKE ALL ON FUNCTION retention_tenant() FROM PUBLIC;
REVOKE ALL ON FUNCTION check_retention_cutoff(timestamptz, integer) FROM PUBLIC;

-- Purchase orders closed or cancelled before `cutoff`, each with its items, receipts and
-- receipt lines (up to max_rows orders per call). An order a live shipment still references is
-- kept (the shipment's foreign key needs it) and counted as held.
-- @returns the rows moved (or, with dry_run, that would move) per table, and the held orders.
CREATE FUNCTION archive_purchase_orders(cutoff timestamptz, max_rows integer, dry_run boolean)
  RETURNS TABLE (orders bigint, items bigint, receipts bigint, receipt_lines bigint, held bigint)
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  org uuid := retention_tenant();
  ids uuid[];
BEGIN
  PERFORM check_retention_cutoff(cutoff, max_rows);
  SELECT count(*) INTO held FROM purchase_orders po
  WHERE po.organization_id = org
    AND ((po.status = 'closed' AND po.closed_at < cutoff) OR (po.status = 'cancelled' AND po.cancelled_at < cutoff))
    AND EXISTS (SELECT 1 FROM shipments s WHERE s.organization_id = org AND s.purchase_order_id = po.id);
  IF dry_run THEN
    SELECT count(*) INTO orders FROM purchase_orders po
    WHERE po.organization_id = org
      AND ((po.status = 'closed' AND po.closed_at < cutoff) OR (po.status = 'cancelled' AND po.cancelled_at < cutoff))
      AND NOT EXISTS (SELECT 1 FROM shipments s WHERE s.organization_id = org AND s.purchase_order_id = po.id);
    SELECT count(*) INTO items FROM purchase_order_items i JOIN purchase_orders po ON po.organization_id = i.organization_id AND po.id = i.purchase_order_id
    WHERE i.organization_id = org AND po.organization_id = org
      AND ((po.status = 'closed' AND po.closed_at < cutoff) OR (po.status = 'cancelled' AND po.cancelled_at < cutoff))
      AND NOT EXISTS (SELECT 1 FROM shipments s WHERE s.organization_id = org AND s.purchase_order_id = po.id);
    SELECT count(*) INTO receipts FROM receipts r JOIN purchase_orders po ON po.organization_id = r.organization_id AND po.id = r.purchase_order_id
    WHERE r.organization_id = org AND po.organization_id = org
      AND ((po.status = 'closed' AND po.closed_at < cutoff) OR (po.status = 'cancelled' AND po.cancelled_at < cutoff))
      AND NOT EXISTS (SELECT 1 FROM shipments s WHERE s.organization_id = org AND s.purchase_order_id = po.id);
    SELECT count(*) INTO receipt_lines FROM receipt_lines l
      JOIN receipts r ON r.organization_id = l.organization_id AND r.id = l.receipt_id
      JOIN purchase_orders po ON po.organization_id = r.organization_id AND po.id = r.purchase_order_id
    WHERE l.organization_id = org AND r.organization_id = org AND po.organization_id = org
      AND ((po.status = 'closed' AND po.closed_at < cutoff) OR (po.status = 'cancelled' AND po.cancelled_at < cutoff))
      AND NOT EXISTS (SELECT 1 FROM shipments s WHERE s.organization_id = org AND s.purchase_order_id = po.id);
    RETURN NEXT;
    RETURN;
  END IF;

  SELECT coalesce(array_agg(id), '{}') INTO ids FROM (
    SELECT po.id FROM purchase_orders po
    WHERE po.organization_id = org
      AND ((po.status = 'closed' AND po.closed_at < cutoff) OR (po.status = 'cancelled' AND po.cancelled_at < cutoff))
      AND NOT EXISTS (SELECT 1 FROM shipments s WHERE s.organization_id = org AND s.purchase_order_id = po.id)
    ORDER BY po.id
    LIMIT max_rows
    FOR UPDATE OF po SKIP LOCKED
  ) batch;

  -- Children first, each copied then deleted in one statement; the order goes last.
  WITH moved AS (
    DELETE FROM receipt_lines l USING receipts r
    WHERE l.organization_id = org AND r.organization_id = org AND r.id = l.receipt_id AND r.purchase_order_id = ANY (ids)
    RETURNING l.organization_id, l.receipt_id, l.purchase_order_item_id, l.product_id, l.quantity, l.inventory_transaction_id
  )
  INSERT INTO archive.receipt_lines (organization_id, receipt_id, purchase_order_item_id, product_id, quantity, inventory_transaction_id)
  SELECT organization_id, receipt_id, purchase_order_item_id, product_id, quantity, inventory_transaction_id FROM moved;
  GET DIAGNOSTICS receipt_lines = ROW_COUNT;

  WITH moved AS (
    DELETE FROM receipts r WHERE r.organization_id = org AND r.purchase_order_id = ANY (ids)
    RETURNING r.organization_id, r.id, r.purchase_order_id, r.warehouse_id, r.received_by, r.received_at, r.notes, r.created_at
  )
  INSERT INTO archive.receipts (organization_id, id, purchase_order_id, warehouse_id, received_by, received_at, notes, created_at)
  SELECT organization_id, id, purchase_order_id, warehouse_id, received_by, received_at, notes, created_at FROM moved;
  GET DIAGNOSTICS receipts = ROW_COUNT;

  WITH moved AS (
    DELETE FROM purchase_order_items i WHERE i.organization_id = org AND i.purchase_order_id = ANY (ids)
    RETURNING i.organization_id, i.id, i.purchase_order_id, i.line_number, i.product_id, i.quantity_ordered, i.quantity_received,
      i.unit_price, i.line_total, i.expected_date, i.fully_received_at, i.created_at, i.updated_at
  )
  INSERT INTO archive.purchase_order_items (organization_id, id, purchase_order_id, line_number, product_id, quantity_ordered,
    quantity_received, unit_price, line_total, expected_date, fully_received_at, created_at, updated_at)
  SELECT organization_id, id, purchase_order_id, line_number, product_id, quantity_ordered, quantity_received, unit_price,
    line_total, expected_date, fully_received_at, created_at, updated_at FROM moved;
  GET DIAGNOSTICS items = ROW_COUNT;

  WITH moved AS (
    DELETE FROM purchase_orders po WHERE po.organization_id = org AND po.id = ANY (ids)
    RETURNING po.organization_id, po.id, po.number, po.po_number, po.supplier_id, po.status, po.currency_code, po.total_amount,
      po.over_receipt_tolerance_percent, po.notes, po.last_line_number, po.created_by, po.submitted_at, po.approved_at,
      po.approved_by, po.received_at, po.closed_at, po.cancelled_at, po.cancel_reason, po.version, po.created_at, po.updated_at
  )
  INSERT INTO archive.purchase_orders (organization_id, id, number, po_number, supplier_id, status, currency_code, total_amount,
    over_receipt_tolerance_percent, notes, last_line_number, created_by, submitted_at, approved_at, approved_by, received_at,
    closed_at, cancelled_at, cancel_reason, version, created_at, updated_at)
  SELECT organization_id, id, number, po_number, supplier_id, status, currency_code, total_amount, over_receipt_tolerance_percent,
    notes, last_line_number, created_by, submitted_at, approved_at, approved_by, received_at, closed_at, cancelled_at,
    cancel_reason, version, created_at, updated_at FROM moved;
  GET DIAGNOSTICS orders = ROW_COUNT;
  RETURN NEXT;
END
$$;

-- Tracking points recorded before `cutoff` (up to max_rows per call). A point is never recorded
-- before its shipment was created, so only month partitions that begin before the cutoff are
-- read. Points of one shipment may straddle the cutoff: only the old ones move.
CREATE FUNCTION archive_tracking_points(cutoff timestamptz, max_rows integer, dry_run boolean) RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  org uuid := retention_tenant();
  n bigint;
BEGIN
  PERFORM check_retention_cutoff(cutoff, max_rows);
  IF dry_run THEN
    SELECT count(*) INTO n FROM shipment_tracking
    WHERE organization_id = org AND recorded_at < cutoff AND shipment_created_at < cutoff;
    RETURN n;
  END IF;
  WITH batch AS (
    SELECT shipment_id, sequence, shipment_created_at FROM shipment_tracking
    WHERE organization_id = org AND recorded_at < cutoff AND shipment_created_at < cutoff
    ORDER BY recorded_at
    LIMIT max_rows
    FOR UPDATE SKIP LOCKED
  ), moved AS (
    DELETE FROM shipment_tracking t USING batch b
    WHERE t.organization_id = org AND t.shipment_id = b.shipment_id AND t.sequence = b.sequence
      AND t.shipment_created_at = b.shipment_created_at AND t.shipment_created_at < cutoff
    RETURNING t.organization_id, t.shipment_id, t.shipment_created_at, t.sequence, t.update_id, t.location, t.latitude,
      t.longitude, t.event_time, t.recorded_at, t.status, t.note, t.recorded_by
  )
  INSERT INTO archive.shipment_tracking (organization_id, shipment_id, shipment_created_at, sequence, update_id, location,
    latitude, longitude, event_time, recorded_at, status, note, recorded_by)
  SELECT organization_id, shipment_id, shipment_created_at, sequence, update_id, location, latitude, longitude, event_time,
    recorded_at, status, note, recorded_by FROM moved;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END
$$;

-- Analytics events that occurred before `cutoff` (up to max_rows per call), into the archive
-- partition of their month. Whole months are normally moved by archive_analytics_event_partitions
-- first; this moves what is left: the month the cutoff falls in, and months that could not move
-- whole.
CREATE FUNCTION archive_analytics_events(cutoff timestamptz, max_rows integer, dry_run boolean) RETURNS bigint
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  org uuid := retention_tenant();
  oldest timestamptz;
  month_start timestamptz;
  n bigint;
BEGIN
  PERFORM check_retention_cutoff(cutoff, max_rows);
  IF dry_run THEN
    SELECT count(*) INTO n FROM analytics_events WHERE organization_id = org AND occurred_at < cutoff;
    RETURN n;
  END IF;
  SELECT min(occurred_at) INTO oldest FROM analytics_events WHERE organization_id = org AND occurred_at < cutoff;
  IF oldest IS NULL THEN
    RETURN 0;
  END IF;
  month_start := date_trunc('month', oldest AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
  WHILE month_start < cutoff LOOP
    PERFORM ensure_archive_event_partition(month_start);
    month_start := ((month_start AT TIME ZONE 'UTC') + interval '1 month') AT TIME ZONE 'UTC';
  END LOOP;
  WITH batch AS (
    SELECT occurred_at, id FROM analytics_events
    WHERE organization_id = org AND occurred_at < cutoff
    ORDER BY occurred_at, id
    LIMIT max_rows
    FOR UPDATE SKIP LOCKED
  ), moved AS (
    DELETE FROM analytics_events e USING batch b
    WHERE e.organization_id = org AND e.occurred_at = b.occurred_at AND e.id = b.id AND e.occurred_at < cutoff
    RETURNING e.organization_id, e.id, e.occurred_at, e.recorded_at, e.event_type, e.source, e.entity_type, e.entity_id,
      e.actor_kind, e.actor_id, e.metadata
  )
  INSERT INTO archive.analytics_events (organization_id, id, occurred_at, recorded_at, event_type, source, entity_type,
    entity_id, actor_kind, actor_id, metadata)
  SELECT organization_id, id, occurred_at, recorded_at, event_type, source, entity_type, entity_id, actor_kind, actor_id,
    metadata FROM moved;
  GET DIAGNOSTICS n = ROW_COUNT;
  RETURN n;
END
$$;

-- The partition operation of event retention (DESIGN.md 9), across tenants: every live month
-- partition that ends at or before `cutoff` (so every row in it is past the cutoff) moves to the
-- archive whole when the archive has no partition of that month yet: DETACH from
-- analytics_events, SET SCHEMA archive, ATTACH to archive.analytics_events. Its rows, keys,
-- indexes and policy move with it, untouched. An empty one is dropped instead. A month the
-- archive already has (some of its rows were moved row by row earlier) is left to
-- archive_analytics_events, and dropped here once that has emptied it. Tenants are not mixed:
-- rows stay exactly as they were, each under its own organization_id and the same policy.
--
-- Detaching takes a short exclusive lock on analytics_events, and domain transactions recording
-- events queue behind it while it waits: lock_timeout bounds that wait to half a second, and a
-- month that cannot get the lock now is reported 'busy' and left for the row-by-row step.
-- @returns one row per month partition considered: its name, what happened ('moved', 'dropped',
--   'left', 'busy', or with dry_run 'would_move' / 'would_drop') and the rows it held.
CREATE FUNCTION archive_analytics_event_partitions(cutoff timestamptz, dry_run boolean)
  RETURNS TABLE (partition_name text, action text, row_count bigint)
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET lock_timeout = '500ms'
AS $$
DECLARE
  part record;
  month_start timestamp;
  month_end timestamp;
BEGIN
  PERFORM check_retention_cutoff(cutoff, 1);
  FOR part IN
    SELECT c.relname::text AS name FROM pg_inherits i
      JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'public.analytics_events'::regclass AND c.relname ~ '^analytics_events_[0-9]{4}_[0-9]{2}$'
    ORDER BY c.relname
  LOOP
    month_start := to_date(right(part.name, 7), 'YYYY_MM')::timestamp;
    month_end := month_start + interval '1 month';
    CONTINUE WHEN (month_end AT TIME ZONE 'UTC') > cutoff;
    partition_name := part.name;
    SELECT count(*) INTO row_count FROM analytics_events
      WHERE occurred_at >= month_start AT TIME ZONE 'UTC' AND occurred_at < month_end AT TIME ZONE 'UTC';
    IF row_count = 0 THEN
      action := CASE WHEN dry_run THEN 'would_drop' ELSE 'dropped' END;
    ELSIF to_regclass('archive.' || part.name) IS NULL THEN
      action := CASE WHEN dry_run THEN 'would_move' ELSE 'moved' END;
    ELSE
      action := 'left';
    END IF;
    IF NOT dry_run AND action IN ('moved', 'dropped') THEN
      BEGIN
        EXECUTE format('ALTER TABLE analytics_events DETACH PARTITION public.%I', part.name);
        IF action = 'moved' THEN
          EXECUTE format('ALTER TABLE public.%I SET SCHEMA archive', part.name);
          EXECUTE format('ALTER TABLE archive.analytics_events ATTACH PARTITION archive.%I FOR VALUES FROM (%L) TO (%L)',
            part.name, month_start AT TIME ZONE 'UTC', month_end AT TIME ZONE 'UTC');
        ELSE
          EXECUTE format('DROP TABLE public.%I', part.name);
        END IF;
      EXCEPTION WHEN lock_not_available THEN
        action := 'busy';
      END;
    END IF;
    RETURN NEXT;
  END LOOP;
END
$$;

DO $$
DECLARE f text;
BEGIN
  FOREACH f IN ARRAY ARRAY[
    'archive_purchase_orders(timestamptz, integer, boolean)',
    'archive_tracking_points(timestamptz, integer, boolean)',
    'archive_analytics_events(timestamptz, integer, boolean)',
    'archive_analytics_event_partitions(timestamptz, boolean)'
  ] LOOP
    EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO imsop_app', f);
  END LOOP;
END $$;
