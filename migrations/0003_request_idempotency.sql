-- Idempotent retries: a mutating request carrying a request_id is executed at most once per
-- organization. The first execution stores a hash of the request and the encoded response in
-- the same transaction as its effects; a retry with the same id returns that response, and the
-- same id with different content is refused. Rows older than the retention window are purged.
CREATE TABLE request_idempotency (
  organization_id uuid        NOT NULL REFERENCES organizations (id),
  request_id      uuid        NOT NULL,
  method          text        NOT NULL,
  request_hash    bytea       NOT NULL,
  response        bytea,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (organization_id, request_id)
);
CREATE INDEX request_idempotency_created_at_idx ON request_idempotency (created_at, organization_id);

ALTER TABLE request_idempotency ENABLE ROW LEVEL SECURITY;
ALTER TABLE request_idempotency FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON request_idempotency
  USING (organization_id = nullif(current_setting('app.org_id', true), '')::uuid)
  WITH CHECK (organization_id = nullif(current_setting('app.org_id', true), '')::uuid);
