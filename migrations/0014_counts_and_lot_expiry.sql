-- Inventory depth, second half (issue 20): what a cycle count line's variance is measured
-- against, the reasons its adjustments carry, and how the lot expiry task finds its work.

-- Movements during a count. A line's variance is counted - booked_quantity, where
-- booked_quantity is what the books said for that balance at the moment the count was entered
-- (not at the start: stock that moved between the snapshot and the counting is in both the
-- books and the shelf; not at posting: stock that moves between counting and posting is in the
-- books only). Posting applies the variance as a delta to the balance as it is then, so every
-- movement made during the count is kept.
ALTER TABLE cycle_count_lines ADD COLUMN booked_quantity integer CHECK (booked_quantity >= 0);
ALTER TABLE cycle_count_lines ADD CONSTRAINT cycle_count_lines_booked_check
  CHECK ((booked_quantity IS NULL) = (counted_quantity IS NULL));

-- A posted variance is an ADJUST entry with the line's reason (CYCLE_COUNT unless the counter
-- said DAMAGED, LOST, FOUND ...), so the count's entries need not all say cycle_count.
ALTER TABLE inventory_transactions DROP CONSTRAINT inventory_transactions_cycle_count_check;
ALTER TABLE inventory_transactions ADD CONSTRAINT inventory_transactions_cycle_count_check
  CHECK (cycle_count_id IS NULL OR type = 'adjust');
CREATE INDEX inventory_transactions_cycle_count_idx ON inventory_transactions (organization_id, cycle_count_id)
  WHERE cycle_count_id IS NOT NULL;

-- Lots past their expiry date that the expiry task has not handled yet (expired_at unset): the
-- task's only cross-tenant question, so it is a small partial index.
CREATE INDEX lots_unhandled_expiry_idx ON lots (expires_on, organization_id)
  WHERE expires_on IS NOT NULL AND expired_at IS NULL;

-- As for reservations (0004): the function below, owned by imsop_owner, reads lots of every
-- organization and reveals nothing but the ids of organizations with work; the task then works
-- inside each organization's own transaction, under row level security like any request.
CREATE POLICY owner_finds_expired_lots ON lots FOR SELECT TO imsop_owner USING (true);

CREATE FUNCTION organizations_with_expired_lots(max_organizations integer) RETURNS SETOF uuid
  LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
  SELECT DISTINCT organization_id FROM lots
  WHERE expires_on IS NOT NULL AND expired_at IS NULL AND expires_on < current_date
  LIMIT max_organizations
$$;
REVOKE ALL ON FUNCTION organizations_with_expired_lots(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION organizations_with_expired_lots(integer) TO imsop_app;
