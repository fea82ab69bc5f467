/**
 * The model registry as the rest of Vigil sees it: the CLI (`vigil models`), the API's model routes and the
 * processors code against this interface; registry/ implements it over ClickHouse (versions, events), the
 * content-addressed model store (files) and the compacted model-control topic (announcements).
 */
import type { ModelCard } from './card.js';
import type { ModelVersionState } from './lifecycle.js';

export interface ModelVersionInfo {
  readonly name: string;
  readonly version: string;
  readonly stream: string;
  readonly assetType: string;
  readonly state: ModelVersionState;
  readonly onnxSha256: string;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly card: ModelCard;
}

export interface ModelChangeEvent {
  readonly name: string;
  readonly action: string;
  readonly version: string;
  readonly fromVersion: string | null;
  readonly actor: string;
  readonly reason: string;
  readonly at: number;
  /** What the gates found (e.g. the regression comparison), for the operator; not part of the audit row. */
  readonly detail?: string;
}

export interface ModelChangeRequest {
  readonly name: string;
  readonly version: string;
  /** Who asks: a user name from the CLI, `api-key:<id>` from the API. */
  readonly actor: string;
  /** Required for promote and rollback. */
  readonly reason: string;
  /** Skip the no-regression gate (audited); the contract and parity gates cannot be skipped. */
  readonly force?: boolean;
}

export interface ModelRegistry {
  list(filter?: { name?: string; stream?: string; state?: ModelVersionState }): Promise<ModelVersionInfo[]>;
  get(name: string, version: string): Promise<ModelVersionInfo>;
  /** The production version of a model, if any. */
  production(name: string): Promise<ModelVersionInfo | undefined>;
  /** Registers a trained model directory (card.json + ONNX file): stored by content hash, state `registered`. */
  register(dir: string, actor: string): Promise<ModelVersionInfo>;
  promote(request: ModelChangeRequest): Promise<ModelChangeEvent>;
  shadow(request: ModelChangeRequest): Promise<ModelChangeEvent>;
  /** Back to the previous production version of `name` (request.version: the version to leave). */
  rollback(request: Omit<ModelChangeRequest, 'version'> & { version?: string }): Promise<ModelChangeEvent>;
  archive(request: ModelChangeRequest): Promise<ModelChangeEvent>;
  history(name: string): Promise<ModelChangeEvent[]>;
}
