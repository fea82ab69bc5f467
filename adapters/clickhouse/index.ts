/** The ClickHouse adapter's public surface: the factory, the interface, the migrations runner. */
export { type CreateClickHouseOptions, createClickHouse, createMigratedClickHouse } from './create.js';
export { clickhouseError } from './errors.js';
export {
  applyMigrations,
  assertMigrated,
  DEFAULT_MIGRATIONS_DIR,
  localMigrations,
  migrationStatus,
} from './migrations/runner.js';
export type { ClickHouse, InsertOptions, QueryOptions, QueryParams, Row } from './types.js';
