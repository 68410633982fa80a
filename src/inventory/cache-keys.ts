/**
 * Cache keys of inventory reads. Every key starts with `org:<organization id>:` so one tenant's
 * entries can never answer another tenant's read, and names what it caches so an invalidation
 * after a change can name exactly the entries the change made stale.
 */
export const productKey = (organizationId: string, productId: string) =>
  `org:${organizationId}:inventory:product:${productId}`;

export const productSkuKey = (organizationId: string, sku: string) =>
  `org:${organizationId}:inventory:product-sku:${sku}`;

export const warehouseKey = (organizationId: string, warehouseId: string) =>
  `org:${organizationId}:inventory:warehouse:${warehouseId}`;

export const stockLevelKey = (organizationId: string, warehouseId: string, productId: string) =>
  `org:${organizationId}:inventory:stock:${warehouseId}:${productId}`;

/**
 * How long cached reads live. Invalidation after commit is what keeps them fresh; the TTL only
 * bounds the one race cache-aside has (a read that loaded the old row before a change committed
 * and stores it after the invalidation). Stock changes often, so its bound is short.
 */
export const CATALOGUE_TTL_SECONDS = 60;
export const STOCK_TTL_SECONDS = 5;
