/**
 * The model registry (core/model/registry.ts's ModelRegistry) over ClickHouse (versions + audit trail), the
 * content-addressed model store (files) and the model-control topic (announcements).
 *
 * Every change: read the current state -> check the transition in core/model/lifecycle's table -> run the gates
 * -> write the new states and one audit row -> announce. ClickHouse is the source of truth and is written
 * before the announcement; a failed announcement is reported (retriable) with the change already recorded.
 * Gates (a version only goes live after all of them):
 *   contract   the card's feature set equals the processors' feature set for its stream and subject;
 *   files      the store entry still has the ONNX file its card hashes, and onnxruntime-node loads it;
 *   parity     this runtime reproduces the card's parity scores (openModelDir);
 *   regression promote only: not worse than production on the same held-out rows (gates.ts), unless forced
 *              with a reason, which the audit row records.
 * Changes of one model are not serialised across processes: run one `vigil models` change at a time per model.
 */
import type { ClickHouse } from '../adapters/clickhouse/index.js';
import type { Logger } from '../adapters/logger.js';
import type { ModelStore, StoredModel } from '../adapters/model-store/index.js';
import type { ModelCard } from '../core/model/card.js';
import { contractDifferences, type ProcessorFeatureSet } from '../core/model/contract.js';
import { modelError } from '../core/model/errors.js';
import { assertTransition, type ModelVersionState } from '../core/model/lifecycle.js';
import type { ModelChangeEvent, ModelChangeRequest, ModelRegistry, ModelVersionInfo } from '../core/model/registry.js';
import type { ModelAnnouncer } from './control-topic.js';
import { registryError } from './errors.js';
import { cardEvidence, judgeRegression, type RegressionVerdict, requireReason, sameEvaluationSet } from './gates.js';
import { openModelVersion } from './open-version.js';
import { previousProduction } from './production-history.js';
import { rescoreHeldOut } from './regression-evaluation.js';
import { appendEvent, readEvents, readVersions, type StoredVersion, writeVersions } from './version-table.js';

export type FeatureSetOf = (stream: string, subject: string) => ProcessorFeatureSet | undefined;

export interface ModelRegistryDeps {
  readonly ch: ClickHouse;
  readonly store: ModelStore;
  readonly announcer: ModelAnnouncer;
  /** The processors' feature set of a stream subject, derived the way the stream derives it. */
  readonly featureSetOf: FeatureSetOf;
  /** Where `vigil train` writes snapshots (`<VIGIL_DATA_DIR>/datasets`): the regression gate reads them back. */
  readonly datasetsDir: string;
  /** Largest F1 drop a promotion may show against production (absolute). */
  readonly regressionTolerance: number;
  readonly logger: Logger;
  readonly now?: () => number;
}

type Action = 'register' | 'shadow' | 'promote' | 'rollback' | 'archive';

export class ClickHouseModelRegistry implements ModelRegistry {
  readonly store: ModelStore;
  readonly #deps: ModelRegistryDeps;
  readonly #log: Logger;
  readonly #now: () => number;

  constructor(deps: ModelRegistryDeps) {
    this.#deps = deps;
    this.store = deps.store;
    this.#log = deps.logger.child({ component: 'model-registry' });
    this.#now = deps.now ?? Date.now;
  }

  list(filter: { name?: string; stream?: string; state?: ModelVersionState } = {}): Promise<ModelVersionInfo[]> {
    return readVersions(this.#deps.ch, filter);
  }

  async get(name: string, version: string): Promise<StoredVersion> {
    const [found] = await readVersions(this.#deps.ch, { name, version });
    if (found !== undefined) return found;
    const known = await readVersions(this.#deps.ch, { name });
    if (known.length === 0) throw await this.#unknownModel(name);
    throw registryError('VIGIL_MODELS_UNKNOWN_VERSION', {
      name,
      version,
      known: known.map((v) => `${v.version} (${v.state})`).join(', '),
    });
  }

  async production(name: string): Promise<StoredVersion | undefined> {
    const [found] = await readVersions(this.#deps.ch, { name, state: 'production' });
    return found;
  }

  async shadowVersion(name: string): Promise<StoredVersion | undefined> {
    const [found] = await readVersions(this.#deps.ch, { name, state: 'shadow' });
    return found;
  }

  history(name: string): Promise<ModelChangeEvent[]> {
    return readEvents(this.#deps.ch, name);
  }

  async register(dir: string, actor: string): Promise<ModelVersionInfo> {
    // Hash checked by the store; loadable ONNX + parity checked against the card's own feature set here (the
    // processors' feature set is a promotion gate: a model for a feature set not deployed yet may wait registered).
    const stored = await this.#deps.store.put(dir);
    await this.#checkRuns(stored.card, stored.card.featureSet);
    const { card } = stored;
    const [existing] = await readVersions(this.#deps.ch, { name: card.name, version: card.version });
    if (existing !== undefined) {
      if (existing.onnxSha256 === card.onnx.sha256) return existing;
      throw registryError('VIGIL_MODELS_ALREADY_REGISTERED', {
        name: card.name,
        version: card.version,
        existing: existing.onnxSha256,
      });
    }
    const at = await this.#eventTime(card.name);
    const info = {
      name: card.name,
      version: card.version,
      stream: card.stream,
      assetType: card.assetType,
      state: 'registered' as const,
      onnxSha256: card.onnx.sha256,
      createdAt: at,
      createdBy: actor,
      card,
    };
    await writeVersions(this.#deps.ch, [{ ...info, cardText: stored.cardText, updatedAt: at }]);
    // (the row keeps the card text exactly as trained; StoredVersion.cardText carries it on rewrites)
    await this.#record(
      'register',
      { name: card.name, version: card.version, actor, reason: 'registered' },
      null,
      at,
      card.stream,
    );
    return info;
  }

  async shadow(request: ModelChangeRequest): Promise<ModelChangeEvent> {
    const target = await this.get(request.name, request.version);
    assertTransition(target.state, 'shadow');
    await this.#gateContractAndRuns(target);
    const previous = await this.shadowVersion(request.name);
    const at = await this.#eventTime(request.name);
    const changes: { version: StoredVersion; to: ModelVersionState }[] = [{ version: target, to: 'shadow' }];
    // One shadow per model: the one it replaces goes back to registered (kept, not archived).
    if (previous !== undefined) {
      assertTransition(previous.state, 'registered');
      changes.push({ version: previous, to: 'registered' });
    }
    await this.#apply(changes, at);
    return this.#record('shadow', request, previous?.version ?? null, at, target.stream);
  }

  async promote(request: ModelChangeRequest): Promise<ModelChangeEvent> {
    let reason = requireReason('promote', request.reason);
    const target = await this.get(request.name, request.version);
    assertTransition(target.state, 'production');
    const { stored, featureSet } = await this.#gateContractAndRuns(target);
    const current = await this.production(request.name);
    let detail: string | undefined;
    if (current !== undefined) {
      assertTransition(current.state, 'archived');
      const verdict = await this.#regression(stored, current, featureSet);
      detail = verdict.detail;
      if (!verdict.ok) {
        if (!request.force) {
          throw registryError('VIGIL_MODELS_REGRESSION', { name: request.name, version: request.version, detail });
        }
        reason = `FORCED past the regression gate (${verdict.detail}): ${reason}`;
        this.#log.warn(
          { model: request.name, version: request.version, detail },
          'promotion forced past regression gate',
        );
      }
    }
    const at = await this.#eventTime(request.name);
    const changes: { version: StoredVersion; to: ModelVersionState }[] = [{ version: target, to: 'production' }];
    if (current !== undefined) changes.push({ version: current, to: 'archived' });
    await this.#apply(changes, at);
    const event = await this.#record('promote', { ...request, reason }, current?.version ?? null, at, target.stream);
    return detail === undefined ? event : { ...event, detail };
  }

  async rollback(request: Omit<ModelChangeRequest, 'version'> & { version?: string }): Promise<ModelChangeEvent> {
    const reason = requireReason('rollback', request.reason);
    const current = await this.production(request.name);
    if (current === undefined) {
      if ((await readVersions(this.#deps.ch, { name: request.name })).length === 0) {
        throw await this.#unknownModel(request.name);
      }
      throw registryError('VIGIL_MODELS_NO_PREVIOUS_PRODUCTION', {
        name: request.name,
        detail: 'it has no production version',
      });
    }
    if (request.version !== undefined && request.version !== current.version) {
      throw registryError('VIGIL_MODELS_NO_PREVIOUS_PRODUCTION', {
        name: request.name,
        detail: `${request.version} is not in production (${current.version} is)`,
      });
    }
    const previousVersion = previousProduction(await this.history(request.name), current.version);
    if (previousVersion === undefined) {
      throw registryError('VIGIL_MODELS_NO_PREVIOUS_PRODUCTION', {
        name: request.name,
        detail: `no version was in production before ${current.version}`,
      });
    }
    const target = await this.get(request.name, previousVersion);
    assertTransition(current.state, 'archived');
    assertTransition(target.state, 'production');
    // The version we go back to must still load and score as its card says: never swap in a broken model.
    await this.#gateContractAndRuns(target);
    const at = await this.#eventTime(request.name);
    await this.#apply(
      [
        { version: target, to: 'production' },
        { version: current, to: 'archived' },
      ],
      at,
    );
    return this.#record(
      'rollback',
      { name: request.name, version: target.version, actor: request.actor, reason },
      current.version,
      at,
      target.stream,
    );
  }

  async archive(request: ModelChangeRequest): Promise<ModelChangeEvent> {
    const target = await this.get(request.name, request.version);
    if (target.state === 'production') {
      // The table allows production -> archived only as the other half of a promotion or rollback.
      throw modelError('VIGIL_MODEL_TRANSITION_INVALID', {
        from: 'production',
        to: 'archived',
        allowed: 'archived only by promoting another version or rolling back (`vigil models promote|rollback`)',
      });
    }
    assertTransition(target.state, 'archived');
    const at = await this.#eventTime(request.name);
    await this.#apply([{ version: target, to: 'archived' }], at);
    return this.#record('archive', { ...request, reason: request.reason || 'archived' }, null, at, target.stream);
  }

  async #unknownModel(name: string) {
    const names = [...new Set((await readVersions(this.#deps.ch)).map((v) => v.name))];
    return registryError('VIGIL_MODELS_UNKNOWN_MODEL', { name, known: names.join(', ') || 'none' });
  }

  /** Loads the stored file with `card` against `featureSet` (contract, hash, ONNX, I/O, parity), then releases it. */
  async #checkRuns(card: ModelCard, featureSet: ProcessorFeatureSet): Promise<void> {
    const opened = await openModelVersion(this.#deps.store, { onnxSha256: card.onnx.sha256, card }, featureSet);
    await opened.scorer.close();
  }

  async #gateContractAndRuns(version: StoredVersion) {
    const featureSet = this.#deps.featureSetOf(version.stream, version.assetType);
    if (featureSet === undefined) {
      throw registryError('VIGIL_MODELS_UNKNOWN_SUBJECT', {
        stream: version.stream,
        subject: version.assetType,
        model: `${version.name}@${version.version}`,
      });
    }
    const stored = await this.#deps.store.verified(version);
    await this.#checkRuns(version.card, featureSet);
    return { stored: { ...stored, card: version.card, cardText: version.cardText }, featureSet };
  }

  async #regression(
    candidate: StoredModel,
    current: StoredVersion,
    featureSet: ProcessorFeatureSet,
  ): Promise<RegressionVerdict> {
    const tolerance = this.#deps.regressionTolerance;
    if (contractDifferences(current.card, featureSet).length > 0) {
      return {
        ok: true,
        detail: `production ${current.version} does not fit the current feature set: nothing to compare`,
      };
    }
    if (sameEvaluationSet(candidate.card, current.card)) {
      return judgeRegression(cardEvidence(candidate.card, current.card), tolerance);
    }
    const production = await this.#deps.store.verified(current);
    const { evidence, why } = await rescoreHeldOut(
      { card: candidate.card, dir: candidate.dir },
      { card: current.card, dir: production.dir },
      this.#deps.datasetsDir,
    );
    return judgeRegression(evidence, tolerance, why);
  }

  async #apply(changes: readonly { version: StoredVersion; to: ModelVersionState }[], at: number): Promise<void> {
    const rows = changes.map(({ version, to }) => ({
      ...version,
      state: to,
      // ReplacingMergeTree(updated_at) keeps the row with the largest updated_at: strictly later than the last.
      updatedAt: Math.max(at, version.updatedAt + 1),
    }));
    await writeVersions(this.#deps.ch, rows);
  }

  /** An event time strictly after the model's last event, so history order never depends on ties. */
  async #eventTime(name: string): Promise<number> {
    const events = await readEvents(this.#deps.ch, name);
    const last = events[events.length - 1]?.at ?? 0;
    return Math.max(this.#now(), last + 1);
  }

  async #record(
    action: Action,
    request: Pick<ModelChangeRequest, 'name' | 'version' | 'actor' | 'reason'>,
    fromVersion: string | null,
    at: number,
    stream: string,
  ): Promise<ModelChangeEvent> {
    const event: ModelChangeEvent = {
      name: request.name,
      action,
      version: request.version,
      fromVersion,
      actor: request.actor,
      reason: request.reason,
      at,
    };
    await appendEvent(this.#deps.ch, { ...event, stream });
    this.#log.info(
      { model: event.name, action, version: event.version, fromVersion, actor: event.actor },
      'model change',
    );
    try {
      await this.#deps.announcer.announce({
        modelName: event.name,
        stream,
        action,
        version: event.version,
        fromVersion,
        actor: event.actor,
        reason: event.reason,
        at,
      });
    } catch (error) {
      throw registryError(
        'VIGIL_MODELS_ANNOUNCE_FAILED',
        {
          name: event.name,
          action,
          version: event.version,
          topic: this.#deps.announcer.topic,
          reason: error instanceof Error ? error.message : String(error),
        },
        error,
      );
    }
    return event;
  }
}
