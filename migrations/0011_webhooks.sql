-- Webhooks (issue 19, item 3): per-tenant subscriptions that receive the change feed
-- (0010_change_events) as signed HTTP POSTs, and the log of every delivery attempt. Owned by
-- src/webhooks/ (src/table-owners.ts).
--
-- Tenancy rules as in 0001 (design rules 1-3): organization_id leads every key, composite
-- foreign keys, ENABLE + FORCE row level security with the fail-closed policy on app.org_id.
-- The dispatcher, which serves every tenant, learns only WHICH subscriptions have work through
-- one SECURITY DEFINER function (below), then reads and writes each subscription inside its own
-- organization's transaction, under the same policies as any request.
--
-- Neither table has the row-audit trigger: the dispatcher moves a subscription's cursor on every
-- delivery (churn, like access_tokens), the subscription row holds the signing secret (which the
-- audit trail would copy), and the delivery log is its own record.

-- One receiver of an organization's change events.
CREATE TABLE webhook_subscriptions (
  organization_id            uuid        NOT NULL REFERENCES organizations (id),
  id                         uuid        NOT NULL DEFAULT gen_random_uuid(),
  -- http(s) URL without credentials; checked against SSRF on write and again, after DNS
  -- resolution, before every delivery (src/webhooks/target-guard.ts).
  url                        text        NOT NULL CHECK (length(url) BETWEEN 1 AND 2000),
  description                text        NOT NULL DEFAULT '' CHECK (length(description) <= 500),
  -- Filters: an event is delivered when both match (an empty list matches everything).
  event_types                text[]      NOT NULL DEFAULT '{}' CHECK (cardinality(event_types) <= 100),
  resource_types             text[]      NOT NULL DEFAULT '{}' CHECK (cardinality(resource_types) <= 100),
  -- The permissions of whoever last created or changed the subscription: it delivers only
  -- events of resource types those permissions may read.
  permissions                text[]      NOT NULL DEFAULT '{}',
  -- The signing key ('whsec_' + base64), kept in clear because signing needs it; it is shown
  -- once (CreateWebhookSubscription, RotateWebhookSecret) and never read back by the API. After
  -- a rotation the previous key also signs until previous_secret_expires_at, so receivers can
  -- switch without losing a delivery.
  secret                     text        NOT NULL CHECK (secret ~ '^whsec_[A-Za-z0-9+/=]{16,200}$'),
  previous_secret            text        CHECK (previous_secret ~ '^whsec_[A-Za-z0-9+/=]{16,200}$'),
  previous_secret_expires_at timestamptz,
  active                     boolean     NOT NULL DEFAULT true,
  -- Why the subscription is inactive: 'failures' (disabled by the dispatcher after a run of
  -- failed attempts) or 'manual' (UpdateWebhookSubscription); '' while active.
  disabled_reason            text        NOT NULL DEFAULT '' CHECK (disabled_reason IN ('', 'failures', 'manual')),
  disabled_at                timestamptz,
  -- Consecutive failed attempts (any event); 0 after a success or a reactivation.
  failure_streak             integer     NOT NULL DEFAULT 0 CHECK (failure_streak >= 0),
  -- The feed position (change_events.position) of the last event done: delivered, or skipped
  -- by the filters. The next delivery is the first matching event after it.
  cursor_position            bigint      NOT NULL DEFAULT 0 CHECK (cursor_position >= 0),
  -- When that event occurred (the feed's cursor carries it, to tell an expired cursor).
  cursor_occurred_at         timestamptz NOT NULL DEFAULT now(),
  -- When the dispatcher may next try the subscription (its retry backoff); -infinity: now.
  next_attempt_at            timestamptz NOT NULL DEFAULT '-infinity',
  version                    integer     NOT NULL DEFAULT 1,
  created_by                 uuid,
  created_at                 timestamptz NOT NULL DEFAULT now(),
  updated_at                 timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  CHECK (active = (disabled_reason = '')),
  CHECK ((previous_secret IS NULL) = (previous_secret_expires_at IS NULL))
);
-- ListWebhookSubscriptions' keyset order.
CREATE INDEX webhook_subscriptions_created_idx ON webhook_subscriptions (organization_id, created_at, id);
-- The dispatcher's question across tenants: which active subscriptions are due.
CREATE INDEX webhook_subscriptions_due_idx ON webhook_subscriptions (next_attempt_at) WHERE active;

ALTER TABLE webhook_subscriptions ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhook_subscriptions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON webhook_subscriptions
  USING (organization_id = nullif(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (organization_id = nullif(current_setting('app.org_id', true), '')::uuid);
-- Read by due_webhook_subscriptions (owner, SECURITY DEFINER) across tenants; writes by the
-- owner still pass only the tenant policy.
CREATE POLICY owner_finds_due_subscriptions ON webhook_subscriptions FOR SELECT TO imsop_owner USING (true);

-- One attempt to deliver one event to one subscription: what happened, how long it took. Written
-- by the dispatcher (scheduled attempts) and by RedeliverEvent (manual ones), append-only for the
-- service; the rows go with their subscription.
CREATE TABLE webhook_deliveries (
  organization_id uuid        NOT NULL,
  id              uuid        NOT NULL DEFAULT gen_random_uuid(),
  subscription_id uuid        NOT NULL,
  -- The change event (change_events.id, the receiver's dedupe key) and its feed position.
  event_id        uuid        NOT NULL,
  event_position  bigint      NOT NULL,
  event_occurred_at timestamptz NOT NULL,
  event_type      text        NOT NULL CHECK (length(event_type) <= 100),
  -- 1 for the first attempt of this event to this subscription, then 2, 3, ...
  attempt         integer     NOT NULL CHECK (attempt >= 1),
  trigger         text        NOT NULL CHECK (trigger IN ('scheduled', 'redelivery')),
  outcome         text        NOT NULL CHECK (outcome IN ('succeeded', 'failed')),
  -- The receiver's HTTP status; 0 when there was no answer (refused, timed out, blocked).
  response_code   integer     NOT NULL DEFAULT 0 CHECK (response_code BETWEEN 0 AND 999),
  latency_ms      integer     NOT NULL CHECK (latency_ms >= 0),
  -- Why it failed, for people (never the receiver's body beyond a short excerpt); '' on success.
  error           text        NOT NULL DEFAULT '' CHECK (length(error) <= 1000),
  attempted_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, id),
  FOREIGN KEY (organization_id, subscription_id) REFERENCES webhook_subscriptions (organization_id, id) ON DELETE CASCADE
);
-- ListWebhookDeliveries (newest first, keyset on (attempted_at, id)), optionally of one event.
CREATE INDEX webhook_deliveries_subscription_idx ON webhook_deliveries (organization_id, subscription_id, attempted_at, id);
CREATE INDEX webhook_deliveries_event_idx ON webhook_deliveries (organization_id, subscription_id, event_id);
-- Pruning the log past WEBHOOKS_LOG_RETENTION_DAYS (src/webhooks/delivery-log-retention.ts).
CREATE INDEX webhook_deliveries_attempted_idx ON webhook_deliveries (organization_id, attempted_at);
REVOKE UPDATE, TRUNCATE ON webhook_deliveries FROM imsop_app;

ALTER TABLE webhook_deliveries ENABLE ROW LEVEL SECURITY;
ALTER TABLE webhook_deliveries FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON webhook_deliveries
  USING (organization_id = nullif(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (organization_id = nullif(current_setting('app.org_id', true), '')::uuid);

-- The active subscriptions whose retry time has come and whose organization's feed has events
-- after their cursor, oldest due first: ids only, nothing of the events or the subscription.
-- The dispatcher then works on each inside the organization's own transaction.
CREATE FUNCTION due_webhook_subscriptions(max_subscriptions integer)
  RETURNS TABLE (organization_id uuid, subscription_id uuid)
  LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
BEGIN
  RETURN QUERY
    SELECT s.organization_id, s.id FROM webhook_subscriptions s
    WHERE s.active AND s.next_attempt_at <= now()
      AND EXISTS (SELECT 1 FROM change_events e
                  WHERE e.organization_id = s.organization_id AND e.position > s.cursor_position)
    ORDER BY s.next_attempt_at
    LIMIT least(greatest(max_subscriptions, 1), 10000);
END
$$;
REVOKE ALL ON FUNCTION due_webhook_subscriptions(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION due_webhook_subscriptions(integer) TO imsop_app;

-- The permission to manage webhooks (src/identity/permission-catalogue.ts syncs its text), and
-- the admin role of every existing organization gets it, as new organizations' admins do.
INSERT INTO permissions (id, description)
  VALUES ('events.webhooks:manage', 'Create, change, rotate and delete webhook subscriptions; read deliveries; redeliver and replay events')
  ON CONFLICT (id) DO NOTHING;
DO $$
DECLARE
  org uuid;
BEGIN
  FOR org IN SELECT id FROM organizations LOOP
    PERFORM set_config('app.org_id', org::text, true);
    INSERT INTO role_permissions (organization_id, role_id, permission_id)
      SELECT r.organization_id, r.id, 'events.webhooks:manage' FROM roles r
      WHERE r.organization_id = org AND r.is_system AND r.name = 'admin'
      ON CONFLICT DO NOTHING;
  END LOOP;
  PERFORM set_config('app.org_id', '', true);
END $$;
