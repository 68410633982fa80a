-- API keys remember the user who created them, so a key stops working when its creator is
-- deactivated and never acts with more than its creator still holds. A key created with another
-- key belongs to that key's creator. Keys created before this column existed have no recorded
-- creator (NULL) and keep acting with their role alone.
ALTER TABLE api_keys ADD COLUMN created_by uuid;
ALTER TABLE api_keys
  ADD CONSTRAINT api_keys_created_by_fkey FOREIGN KEY (organization_id, created_by) REFERENCES users (organization_id, id);
