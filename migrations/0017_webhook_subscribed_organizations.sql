-- The organizations that have an active webhook subscription, across tenants.
--
-- The webhook dispatcher (src/webhooks/dispatcher.ts) starts a round on every wake-up of the
-- change feed, and a round asks the database which subscriptions are due. Under a steady write
-- load the feed wakes it about a hundred times a second, and for organizations without any
-- subscription every one of those rounds found nothing. The dispatcher now keeps the set this
-- function returns (refreshed every poll interval, and after each change to a subscription made
-- through this instance) and starts a round on a wake-up only when one of the organizations
-- whose events moved is in it; the poll still runs its rounds for every organization.
--
-- Read-only, as due_webhook_subscriptions (0011): it runs as the owner, whose SELECT policy
-- (owner_finds_due_subscriptions) sees every tenant's subscriptions, and returns only ids.
CREATE FUNCTION webhook_subscribed_organizations()
  RETURNS TABLE (organization_id uuid)
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT DISTINCT s.organization_id FROM webhook_subscriptions s WHERE s.active
$$;
REVOKE ALL ON FUNCTION webhook_subscribed_organizations() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION webhook_subscribed_organizations() TO imsop_app;
