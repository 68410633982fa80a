-- Reservations update a stock level in place (HOT), without new entries in inventory's indexes.
--
-- PostgreSQL writes an UPDATE as a heap-only tuple (HOT: no index entries, the old version pruned
-- on the page) only when no column an index names, in its key or in its predicate, changes
-- value. inventory_low_stock_idx's predicate named quantity_available, which every reservation,
-- release and issue changes, so each of them wrote new entries into all four of inventory's
-- indexes, and a hot level's index entries piled up dead versions that every lookup of that
-- level walked.
--
-- low_stock is the same rule as the API's (available <= reorder point, src/inventory/mappers.ts),
-- stored; the low-stock index's predicate names it instead. A movement changes low_stock only
-- when it crosses the reorder point; every other one changes no indexed value and is HOT.
-- (Generated columns cannot refer to one another, so it spells out quantity_available's
-- expression from 0012.) Adding a stored column rewrites inventory once, as 0012 did.
DROP INDEX inventory_low_stock_idx;
ALTER TABLE inventory ADD COLUMN low_stock boolean NOT NULL
  GENERATED ALWAYS AS (quantity_on_hand - quantity_reserved - quantity_on_hold - quantity_damaged <= reorder_point) STORED;
-- ListStockLevels' "low stock only" (src/inventory/list-queries.ts): the low levels, in key order.
CREATE INDEX inventory_low_stock_idx ON inventory (organization_id, warehouse_id, product_id) WHERE low_stock;
