-- The change feed, completed for installations that already ran 0010.

-- A resource's events, in order: what the threshold sweeps ask before recording an event once
-- per resource (src/platform/change-feed/recorded-events.ts: positioned events through this
-- index, the few not yet positioned through change_events_unpositioned_idx). Partial like the
-- feed's index: an event enters it once, when positioned (the sequencer's UPDATE is never HOT,
-- position being indexed), not also at INSERT.
CREATE INDEX change_events_resource_idx ON change_events (organization_id, resource_type, resource_id, position)
  WHERE position IS NOT NULL;

-- The permission to follow the feed (src/identity/permission-catalogue.ts syncs its text). It is a
-- read permission, so new organizations' system roles (admin, manager, operator, viewer) have
-- it; the same roles of every organization that existed before the feed get it now, or upgraded
-- installations could not watch their own changes.
INSERT INTO permissions (id, description)
  VALUES ('events.changes:read', 'Follow the change feed (only the events of resources you may read)')
  ON CONFLICT (id) DO NOTHING;
DO $$
DECLARE
  org uuid;
BEGIN
  FOR org IN SELECT id FROM organizations LOOP
    PERFORM set_config('app.org_id', org::text, true);
    INSERT INTO role_permissions (organization_id, role_id, permission_id)
      SELECT r.organization_id, r.id, 'events.changes:read' FROM roles r
      WHERE r.organization_id = org AND r.is_system AND r.name IN ('admin', 'manager', 'operator', 'viewer')
      ON CONFLICT DO NOTHING;
  END LOOP;
  PERFORM set_config('app.org_id', '', true);
END $$;
