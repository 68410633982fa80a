import { sql } from 'kysely';
import type { Tx } from '../platform/db/database.js';

/**
 * The global catalogue of `resource:action` permissions the service defines. Synced into the
 * `permissions` table on every migrate; roles grant these by id.
 */
export const PERMISSIONS = {
  'identity.organizations:read': 'Read your organization',
  'identity.organizations:write': 'Change your organization',
  'identity.users:read': 'List and read users',
  'identity.users:write': 'Create, change and deactivate users, reset passwords',
  'identity.roles:read': 'List roles and their permissions',
  'identity.roles:write': 'Create, change and delete roles; assign roles to users',
  'identity.api_keys:read': 'List API keys',
  'identity.api_keys:write': 'Create and revoke API keys',
  'identity.audit:read': 'Read the audit trail',
  'inventory.products:read': 'Read products',
  'inventory.products:write': 'Create, change and archive products',
  'inventory.warehouses:read': 'Read warehouses',
  'inventory.warehouses:write': 'Create, change and deactivate warehouses',
  'inventory.stock:read': 'Read stock levels and the stock ledger',
  'inventory.stock:write': 'Receive, issue, adjust and transfer stock',
  'inventory.stock:reserve': 'Reserve and release stock',
  'procurement.suppliers:read': 'Read suppliers',
  'procurement.suppliers:write': 'Create, change and deactivate suppliers',
  'procurement.purchase_orders:read': 'Read purchase orders',
  'procurement.purchase_orders:write': 'Create, edit, submit, cancel and close purchase orders',
  'procurement.purchase_orders:approve': 'Approve purchase orders',
  'procurement.purchase_orders:receive': 'Receive goods against purchase orders',
  'shipments.shipments:read': 'Read shipments and tracking',
  'shipments.shipments:write': 'Create shipments and change their status',
  'shipments.tracking:write': 'Send tracking updates (scanners)',
  'analytics.events:read': 'Read analytics events',
  'analytics.events:write': 'Record analytics events',
  'analytics.metrics:read': 'Read metrics and KPIs',
  'events.changes:read': 'Follow the change feed (only the events of resources you may read)',
  'events.webhooks:manage':
    'Create, change, rotate and delete webhook subscriptions; read deliveries; redeliver and replay events',
} as const satisfies Record<string, string>;

export type Permission = keyof typeof PERMISSIONS;
export const ALL_PERMISSIONS = Object.keys(PERMISSIONS) as Permission[];

const readOnly = ALL_PERMISSIONS.filter((p) => p.endsWith(':read') && p !== 'identity.audit:read');

/** The roles every new organization starts with. System roles cannot be deleted. */
export const SYSTEM_ROLES: Record<string, { description: string; permissions: Permission[] }> = {
  admin: { description: 'Everything, including users, roles and API keys', permissions: ALL_PERMISSIONS },
  manager: {
    description: 'Runs operations: catalogue, stock, procurement (including approval), shipments, analytics',
    // Not webhooks: a subscription sends the organization's data to a URL of its choosing.
    permissions: ALL_PERMISSIONS.filter(
      (p) => (!p.startsWith('identity.') || p.endsWith(':read')) && p !== 'events.webhooks:manage',
    ),
  },
  operator: {
    description: 'Day-to-day warehouse work: stock movements, receiving, shipments, tracking',
    permissions: [
      ...readOnly.filter((p) => !p.startsWith('identity.') || p === 'identity.organizations:read'),
      'inventory.stock:write',
      'inventory.stock:reserve',
      'procurement.purchase_orders:receive',
      'shipments.shipments:write',
      'shipments.tracking:write',
      'analytics.events:write',
    ],
  },
  viewer: {
    description: 'Read-only access to operational data',
    permissions: readOnly.filter((p) => !p.startsWith('identity.') || p === 'identity.organizations:read'),
  },
};

/** Upserts the catalogue (run by migrate, as the owner). Permissions are never deleted here. */
export async function syncPermissionCatalogue(tx: Tx): Promise<void> {
  await tx
    .insertInto('permissions')
    .values(Object.entries(PERMISSIONS).map(([id, description]) => ({ id, description })))
    .onConflict((oc) => oc.column('id').doUpdateSet({ description: sql`excluded.description` }))
    .execute();
}
