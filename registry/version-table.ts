/**
 * The registry's two tables (clickhouse/0007_models.sql): model_versions (current state per version, read with
 * FINAL; a state change rewrites the row with a later updated_at) and model_events (the audit trail).
 */
import type { ClickHouse } from '../adapters/clickhouse/index.js';
import { parseCardText } from '../core/model/card.js';
import type { ModelVersionState } from '../core/model/lifecycle.js';
import type { ModelChangeEvent, ModelVersionInfo } from '../core/model/registry.js';

interface VersionRow {
  name: string;
  version: string;
  stream: string;
  state: string;
  onnx_sha256: string;
  card: string;
  created: string;
  created_by: string;
  updated: string;
}

export interface StoredVersion extends ModelVersionInfo {
  readonly updatedAt: number;
  /** card.json exactly as registered. */
  readonly cardText: string;
}

function toInfo(r: VersionRow): StoredVersion {
  const card = parseCardText(r.card, `model_versions ${r.name}@${r.version}`);
  return {
    name: r.name,
    version: r.version,
    stream: r.stream,
    assetType: card.assetType,
    state: r.state as ModelVersionState,
    onnxSha256: r.onnx_sha256,
    createdAt: Number(r.created),
    createdBy: r.created_by,
    card,
    updatedAt: Number(r.updated),
    cardText: r.card,
  };
}

export interface VersionFilter {
  readonly name?: string;
  readonly version?: string;
  readonly stream?: string;
  readonly state?: ModelVersionState;
}

export async function readVersions(ch: ClickHouse, filter: VersionFilter = {}): Promise<StoredVersion[]> {
  const where: string[] = [];
  if (filter.name !== undefined) where.push('name = {name:String}');
  if (filter.version !== undefined) where.push('version = {version:String}');
  if (filter.stream !== undefined) where.push('stream = {stream:String}');
  if (filter.state !== undefined) where.push('state = {state:String}');
  const rows = await ch.query<VersionRow>(
    `SELECT name, version, stream, state, onnx_sha256, card, toUnixTimestamp64Milli(created_at) AS created,
            created_by, toUnixTimestamp64Milli(updated_at) AS updated
     FROM model_versions FINAL
     ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY name, created_at, version`,
    { ...filter },
    { maxRows: 100_000 },
  );
  return rows.map(toInfo);
}

export async function writeVersions(
  ch: ClickHouse,
  versions: readonly (ModelVersionInfo & { readonly cardText: string; readonly updatedAt: number })[],
): Promise<void> {
  await ch.insertRows(
    'model_versions',
    versions.map((v) => ({
      name: v.name,
      version: v.version,
      stream: v.stream,
      state: v.state,
      onnx_sha256: v.onnxSha256,
      card: v.cardText,
      created_at: v.createdAt,
      created_by: v.createdBy,
      updated_at: v.updatedAt,
    })),
  );
}

interface EventRow {
  model_name: string;
  stream: string;
  action: string;
  version: string;
  from_version: string | null;
  actor: string;
  reason: string;
  t: string;
}

export async function readEvents(ch: ClickHouse, name: string): Promise<(ModelChangeEvent & { stream: string })[]> {
  const rows = await ch.query<EventRow>(
    `SELECT model_name, stream, action, version, from_version, actor, reason, toUnixTimestamp64Milli(at) AS t
     FROM model_events FINAL WHERE model_name = {name:String} ORDER BY at, action, version`,
    { name },
    { maxRows: 100_000 },
  );
  return rows.map((r) => ({
    name: r.model_name,
    stream: r.stream,
    action: r.action,
    version: r.version,
    fromVersion: r.from_version,
    actor: r.actor,
    reason: r.reason,
    at: Number(r.t),
  }));
}

export async function appendEvent(
  ch: ClickHouse,
  event: ModelChangeEvent & { readonly stream: string },
): Promise<void> {
  await ch.insertRows('model_events', [
    {
      model_name: event.name,
      stream: event.stream,
      action: event.action,
      version: event.version,
      from_version: event.fromVersion,
      actor: event.actor,
      reason: event.reason,
      at: event.at,
    },
  ]);
}
