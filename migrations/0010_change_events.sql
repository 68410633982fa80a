-- The change feed (issue 19): one row per change of a resource, written by the domains in the
-- transaction of the change itself (src/platform/change-feed/record-change.ts), so a rolled-back
-- change leaves no event and a committed one always has its event. Readers (WatchChanges,
-- ListChanges, webhooks, the NATS relay) follow it by `position`.
--
-- Why two numbers (docs/decisions/0004-change-feed-sequencer.md): `seq` is taken at INSERT, not
-- at commit, so a reader paging `seq > cursor` would skip an event whose transaction commits
-- after a later seq was read. `position` is given by ONE sequencer (assign_change_positions,
-- below) to committed events only, in `seq` order, a batch per transaction: a reader that saw
-- position p has already seen or will see every position below p, and a rolled-back change
-- never gets one.
--
-- Tenancy rules as in 0001: organization_id leads every key, ENABLE + FORCE row level security
-- with the fail-closed policy on app.org_id. The service may only append and read; positions
-- and retention are the owner's, through the SECURITY DEFINER functions below. No foreign key to
-- organizations and no row-audit trigger (like analytics_events: the append path of the hottest
-- writes takes no lock on the tenant root, and the rows are their own record).
CREATE SEQUENCE change_event_positions AS bigint;

CREATE TABLE change_events (
  organization_id uuid        NOT NULL,
  -- The event id: the dedupe key of every consumer (webhook receivers, JetStream's Msg-Id).
  id              uuid        NOT NULL DEFAULT gen_random_uuid(),
  -- Write order, taken at INSERT.
  seq             bigint      NOT NULL GENERATED ALWAYS AS IDENTITY,
  -- Feed order, given by the sequencer once the event is committed; NULL until then.
  position        bigint,
  -- The change's transaction time.
  occurred_at     timestamptz NOT NULL DEFAULT now(),
  -- The message the resource is (snake_case of its proto name), e.g. product, stock_level.
  resource_type   text        NOT NULL CHECK (resource_type ~ '^[a-z][a-z0-9_]{0,62}$'),
  resource_id     text        NOT NULL CHECK (length(resource_id) BETWEEN 1 AND 200),
  -- '<resource_type>.created|updated|deleted' or a domain event ('stock.reserved', 'stock.low',
  -- ...): the catalogue is src/platform/change-feed/change-event-types.ts.
  event_type      text        NOT NULL CHECK (length(event_type) <= 100 AND event_type ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$'),
  change_kind     text        NOT NULL CHECK (change_kind IN ('created', 'updated', 'deleted', 'event')),
  -- Proto field paths (snake_case) that changed, for 'updated'.
  changed_fields  text[]      NOT NULL DEFAULT '{}',
  -- The resource's new etag/version; '' when it has none.
  etag            text        NOT NULL DEFAULT '',
  actor_kind      text        NOT NULL CHECK (actor_kind IN ('user', 'api_key', 'system')),
  actor_id        uuid,
  -- The correlation id of the call that made the change ('' for background work).
  request_id      text        NOT NULL DEFAULT '',
  -- The resource after the change in proto3 JSON form (lowerCamelCase, as grpcurl prints it);
  -- {} for 'deleted'.
  resource        jsonb       NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(resource) = 'object'),
  PRIMARY KEY (organization_id, id),
  CHECK ((actor_kind = 'system') = (actor_id IS NULL))
);
-- A tenant's feed, in order (WatchChanges, ListChanges).
CREATE UNIQUE INDEX change_events_feed_idx ON change_events (organization_id, position) WHERE position IS NOT NULL;
-- The feed of every tenant, in order (webhooks dispatcher, NATS relay, retention). Not declared
-- unique (every unique key leads with organization_id); the sequencer makes it so.
CREATE INDEX change_events_position_idx ON change_events (position) WHERE position IS NOT NULL;
-- What the sequencer has still to position, in write order: small, it empties every few ms.
CREATE INDEX change_events_unpositioned_idx ON change_events (seq) WHERE position IS NULL;

REVOKE UPDATE, DELETE, TRUNCATE ON change_events FROM imsop_app;

ALTER TABLE change_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE change_events FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON change_events
  USING (organization_id = nullif(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (organization_id = nullif(current_setting('app.org_id', true), '')::uuid);
-- The sequencer, retention and the cross-tenant readers below run as the owner across tenants.
CREATE POLICY owner_reads_all ON change_events FOR SELECT TO imsop_owner USING (true);
CREATE POLICY owner_positions ON change_events FOR UPDATE TO imsop_owner USING (true) WITH CHECK (true);
CREATE POLICY owner_purges ON change_events FOR DELETE TO imsop_owner USING (true);

-- The sequencer's step: gives the committed, unpositioned events this statement sees (at most
-- `max_events`, oldest seq first) the next positions, in seq order, and returns what it
-- positioned per organization (for the bus wake-up). One caller at a time (the advisory lock;
-- src/platform/change-feed/sequencer.ts also runs on one leader only), so positions increase
-- with every batch and a batch becomes visible all at once when it commits. Gaps in positions
-- happen only when a step fails after taking numbers; readers never rely on contiguity.
CREATE FUNCTION assign_change_positions(max_events integer)
  RETURNS TABLE (organization_id uuid, up_to bigint, events integer)
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
  IF max_events IS NULL OR max_events NOT BETWEEN 1 AND 100000 THEN
    RAISE EXCEPTION 'max_events must be between 1 and 100000' USING ERRCODE = '22023';
  END IF;
  PERFORM pg_advisory_xact_lock(hashtext('assign_change_positions'));
  RETURN QUERY
  WITH next AS (
    SELECT c.organization_id, c.id, nextval('change_event_positions') AS position
    FROM (SELECT e.organization_id, e.id FROM change_events e
          WHERE e.position IS NULL ORDER BY e.seq LIMIT max_events) AS c
  ), positioned AS (
    UPDATE change_events e SET position = n.position
    FROM next n WHERE e.organization_id = n.organization_id AND e.id = n.id
    RETURNING e.organization_id, e.position
  )
  SELECT p.organization_id, max(p.position), count(*)::integer FROM positioned p GROUP BY p.organization_id;
END
$$;

-- The events of every tenant after `after_position`, in position order, at most `max_events`:
-- for the consumers that follow the whole feed across tenants (webhooks, the NATS relay).
-- Read-only; the service still sees nothing of a tenant through the table itself without it.
CREATE FUNCTION change_events_after(after_position bigint, max_events integer)
  RETURNS SETOF change_events
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT * FROM change_events
  WHERE position > after_position
  ORDER BY position
  LIMIT least(greatest(max_events, 1), 10000)
$$;

-- The last position given so far (0 before the first): where a consumer starting "from now"
-- starts.
CREATE FUNCTION last_change_position() RETURNS bigint
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT coalesce(max(position), 0) FROM change_events WHERE position IS NOT NULL
$$;

-- Retention: deletes positioned events that occurred before `cutoff`, at most `max_events` per
-- call (the caller repeats while it returns max_events), oldest position first. Unpositioned
-- events are never deleted: they have not been seen by anyone yet.
CREATE FUNCTION purge_change_events(cutoff timestamptz, max_events integer) RETURNS integer
  LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
  purged integer;
BEGIN
  IF max_events IS NULL OR max_events NOT BETWEEN 1 AND 100000 THEN
    RAISE EXCEPTION 'max_events must be between 1 and 100000' USING ERRCODE = '22023';
  END IF;
  WITH old AS (
    SELECT e.organization_id, e.id FROM change_events e
    WHERE e.position IS NOT NULL AND e.occurred_at < cutoff
    ORDER BY e.position LIMIT max_events
  )
  DELETE FROM change_events e USING old WHERE e.organization_id = old.organization_id AND e.id = old.id;
  GET DIAGNOSTICS purged = ROW_COUNT;
  RETURN purged;
END
$$;

REVOKE ALL ON FUNCTION assign_change_positions(integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION change_events_after(bigint, integer) FROM PUBLIC;
REVOKE ALL ON FUNCTION last_change_position() FROM PUBLIC;
REVOKE ALL ON FUNCTION purge_change_events(timestamptz, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION assign_change_positions(integer) TO imsop_app;
GRANT EXECUTE ON FUNCTION change_events_after(bigint, integer) TO imsop_app;
GRANT EXECUTE ON FUNCTION last_change_position() TO imsop_app;
GRANT EXECUTE ON FUNCTION purge_change_events(timestamptz, integer) TO imsop_app;
