-- The change feed's relay to NATS JetStream (src/platform/event-relay/, issue 19): exactly one
-- instance publishes every positioned change event (migrations/0010) to JetStream, and records
-- here how far it got, so a restart, a crash or a new leader resumes without loss. A crash
-- between a publish and its record re-sends; JetStream drops the copy by its message id (the
-- event id) within its duplicate window.
--
-- One row per relay target (the stream name): not tenant data, so no organization_id and no
-- row level security; the app role reaches it only through the functions below, which also are
-- its only way to read change_events across tenants (with change_events_after of 0010; never by
-- turning row level security off).

CREATE TABLE change_event_relays (
  relay            text        PRIMARY KEY CHECK (relay ~ '^[A-Za-z0-9_.:-]{1,200}$'),
  relayed_position bigint      NOT NULL CHECK (relayed_position >= 0),
  relayed_at       timestamptz NOT NULL
);
REVOKE ALL ON change_event_relays FROM imsop_app;

-- The last position `relay_name` published and recorded; NULL when it never ran.
CREATE FUNCTION change_relay_position(relay_name text) RETURNS bigint
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT relayed_position FROM change_event_relays WHERE relay = relay_name
$$;
REVOKE ALL ON FUNCTION change_relay_position(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION change_relay_position(text) TO imsop_app;

-- Records that `relay_name` published everything up to `up_to`. Never moves back: a former
-- leader finishing late cannot undo its successor's progress.
CREATE FUNCTION save_change_relay_position(relay_name text, up_to bigint) RETURNS void
  LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  INSERT INTO change_event_relays AS r (relay, relayed_position, relayed_at)
  VALUES (relay_name, up_to, clock_timestamp())
  ON CONFLICT (relay) DO UPDATE
    SET relayed_position = greatest(r.relayed_position, excluded.relayed_position), relayed_at = excluded.relayed_at
$$;
REVOKE ALL ON FUNCTION save_change_relay_position(text, bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION save_change_relay_position(text, bigint) TO imsop_app;

-- How far `relay_name` is behind: positions between its record and the newest positioned event,
-- and when the oldest event it has not published occurred (NULL when none waits).
CREATE FUNCTION change_relay_lag(relay_name text)
  RETURNS TABLE (positions_behind bigint, oldest_waiting_since timestamptz)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  WITH relayed AS (
    SELECT coalesce((SELECT relayed_position FROM change_event_relays WHERE relay = relay_name), 0) AS p
  )
  SELECT greatest(last_change_position() - relayed.p, 0),
         (SELECT e.occurred_at FROM change_events e WHERE e.position > relayed.p ORDER BY e.position LIMIT 1)
  FROM relayed
$$;
REVOKE ALL ON FUNCTION change_relay_lag(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION change_relay_lag(text) TO imsop_app;
