/**
 * Who may do what: the one permission table of the API (pure data). Routes declare the permission they need;
 * the auth plugin answers 401 without a valid key and 403 when the key's role is not listed for it. The UI reads
 * the same table (GET /v1/me) to show only what a role may do.
 */

export const ROLES = ['viewer', 'operator', 'admin', 'ingest'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = {
  /** Read inferences, alerts, assets, dead letters, models. */
  read: ['viewer', 'operator', 'admin'],
  /** Score readings or a CSV file (the results are stored as inferences attributed to the key). */
  score: ['viewer', 'operator', 'admin'],
  /** Acknowledge or resolve an alert with a verdict. */
  'alerts.act': ['operator', 'admin'],
  /** Set or clear alert threshold overrides by asset type / asset (audited). */
  'thresholds.change': ['admin'],
  /** Declare or end maintenance windows (alerts of the asset are suppressed meanwhile). */
  'maintenance.change': ['operator', 'admin'],
  /** Re-publish a dead letter's original bytes to its source topic. */
  'dead-letters.replay': ['operator', 'admin'],
  /** Promote, shadow or roll back model versions. */
  'models.change': ['admin'],
  /** Read the API audit trail (who predicted what with which version). */
  'audit.read': ['admin'],
  /** Publish readings through POST /v1/ingest (equipment that cannot speak Kafka). */
  ingest: ['ingest', 'admin'],
  /** Any valid key: who am I, which permissions do I have. */
  self: ['viewer', 'operator', 'admin', 'ingest'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

export function rolesFor(permission: Permission): readonly Role[] {
  return PERMISSIONS[permission];
}

export function allows(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

export function permissionsOf(role: Role): Permission[] {
  return (Object.keys(PERMISSIONS) as Permission[]).filter((p) => allows(role, p));
}
