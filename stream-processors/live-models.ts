/**
 * The models a processor scores with, per subject (asset type or `store`): the production version and an
 * optional shadow, named `<stream>-<subject>` (e.g. sensors-pump). Versions come from a ModelSource (the model
 * registry, or a directory of committed models); each is opened with its contract, hash and parity checked
 * against the processor's own feature set. A version that fails any check is refused and the model already
 * loaded keeps scoring: a broken model never replaces a working one. Reloads happen between batches.
 */
import type { Logger } from '../adapters/logger.js';
import { openModelDir } from '../adapters/onnx/index.js';
import { describeError } from '../core/errors.js';
import type { FeatureSet } from '../core/features/index.js';
import { CoalescedScorer, type ModelRole, type ModelSelector, type ScoringModel } from '../core/scoring/index.js';
import type { ProcessorMetrics } from './metrics.js';

export interface ModelLocation {
  readonly version: string;
  /** Directory holding card.json and the ONNX file it names. */
  readonly dir: string;
}

export interface ModelSource {
  /** Where the current production and shadow versions of a model are; undefined when there is none. */
  locate(name: string): Promise<{ production?: ModelLocation; shadow?: ModelLocation }>;
}

interface Loaded {
  readonly model: ScoringModel;
  close(): Promise<void>;
}

export class LiveModels implements ModelSelector {
  readonly #stream: string;
  readonly #featureSetOf: (subject: string) => FeatureSet | undefined;
  readonly #source: ModelSource;
  readonly #log: Logger;
  readonly #metrics: ProcessorMetrics | undefined;
  readonly #bySubject = new Map<string, { production?: Loaded; shadow?: Loaded }>();
  readonly #pending = new Set<string>();
  #applying: Promise<string[]> | undefined;
  readonly #onChange: ((subject: string, models: readonly ScoringModel[]) => void) | undefined;

  constructor(options: {
    stream: string;
    featureSetOf: (subject: string) => FeatureSet | undefined;
    source: ModelSource;
    logger: Logger;
    metrics?: ProcessorMetrics;
    /** Told the subject's models after every (re)load: lets the API in the same process score with them too. */
    onChange?: (subject: string, models: readonly ScoringModel[]) => void;
  }) {
    this.#onChange = options.onChange;
    this.#stream = options.stream;
    this.#featureSetOf = options.featureSetOf;
    this.#source = options.source;
    this.#log = options.logger.child({ component: 'models', stream: options.stream });
    this.#metrics = options.metrics;
  }

  nameOf(subject: string): string {
    return `${this.#stream}-${subject}`;
  }

  modelsFor(subject: string): readonly ScoringModel[] {
    const entry = this.#bySubject.get(subject);
    if (entry === undefined) return [];
    const models: ScoringModel[] = [];
    if (entry.production) models.push(entry.production.model);
    if (entry.shadow) models.push(entry.shadow.model);
    return models;
  }

  /** Loaded versions, for logs, /readyz and the demo banner. */
  describe(): { subject: string; production?: string; shadow?: string }[] {
    return [...this.#bySubject].map(([subject, e]) => ({
      subject,
      ...(e.production ? { production: e.production.model.version } : {}),
      ...(e.shadow ? { shadow: e.shadow.model.version } : {}),
    }));
  }

  /** Asks for a reload of one model name (a control-topic announcement); applied by `applyPending`. */
  requestReload(name: string): void {
    this.#pending.add(name);
  }

  /** Loads the current versions of every subject (processor start). */
  async loadAll(subjects: readonly string[]): Promise<void> {
    for (const subject of subjects) await this.#load(subject);
  }

  /**
   * Applies the reloads asked for since the last batch; returns the model names reloaded. Batches processed
   * concurrently wait for a reload another one started: none of them scores with a version already replaced.
   */
  async applyPending(): Promise<string[]> {
    while (this.#applying !== undefined) await this.#applying.catch(() => []);
    if (this.#pending.size === 0) return [];
    const applying = this.#applyNow();
    this.#applying = applying;
    try {
      return await applying;
    } finally {
      this.#applying = undefined;
    }
  }

  async #applyNow(): Promise<string[]> {
    const names = [...this.#pending];
    this.#pending.clear();
    const subjects = [...this.#bySubject.keys()].filter((s) => names.includes(this.nameOf(s)));
    for (const name of names) {
      const prefix = `${this.#stream}-`;
      if (name.startsWith(prefix) && !subjects.includes(name.slice(prefix.length)))
        subjects.push(name.slice(prefix.length));
    }
    for (const subject of subjects) await this.#load(subject);
    return names;
  }

  async close(): Promise<void> {
    for (const entry of this.#bySubject.values()) {
      await entry.production?.close();
      await entry.shadow?.close();
    }
    this.#bySubject.clear();
  }

  async #load(subject: string): Promise<void> {
    const featureSet = this.#featureSetOf(subject);
    if (featureSet === undefined) return;
    const name = this.nameOf(subject);
    let located: Awaited<ReturnType<ModelSource['locate']>>;
    try {
      located = await this.#source.locate(name);
    } catch (error) {
      this.#log.error(
        { model: name, err: describeError(error) },
        'cannot locate model versions; keeping the loaded ones',
      );
      return;
    }
    const current = this.#bySubject.get(subject) ?? {};
    const next = { ...current };
    for (const role of ['production', 'shadow'] as const) {
      const want = located[role];
      const have = current[role];
      if (want?.version === have?.model.version) continue;
      if (want === undefined) {
        delete next[role];
        continue;
      }
      try {
        next[role] = await this.#open(name, role, want, featureSet);
      } catch (error) {
        this.#log.error(
          { model: name, version: want.version, role, err: describeError(error) },
          'model version refused; the loaded version keeps scoring',
        );
      }
    }
    this.#bySubject.set(subject, next);
    this.#onChange?.(subject, this.modelsFor(subject));
    for (const role of ['production', 'shadow'] as const) {
      const before = current[role];
      if (before !== undefined && before !== next[role]) {
        this.#metrics?.modelInfo.remove({ stream: this.#stream, model: name, version: before.model.version, role });
        await before.close();
      }
      const after = next[role];
      if (after !== undefined && after !== before) {
        this.#metrics?.modelInfo.set({ stream: this.#stream, model: name, version: after.model.version, role }, 1);
        this.#log.info({ model: name, version: after.model.version, role }, 'model version loaded');
      }
    }
  }

  async #open(name: string, role: ModelRole, where: ModelLocation, featureSet: FeatureSet): Promise<Loaded> {
    const { card, scorer } = await openModelDir(where.dir, featureSet);
    if (card.name !== name) {
      await scorer.close();
      throw new Error(`${where.dir} holds model ${card.name}, not ${name}`);
    }
    // Partitions scored concurrently share one call per turn; a version swapped out closes once its calls are done.
    const coalesced = new CoalescedScorer(scorer, card.featureSet.features.length);
    return {
      model: {
        name,
        version: card.version,
        role,
        threshold: card.threshold,
        featureSetHash: card.featureSet.hash,
        scorer: coalesced,
        reference: card.reference.features,
      },
      close: async () => {
        await coalesced.settled();
        await scorer.close();
      },
    };
  }
}

/** Committed models in a directory: `<dir>/<name>/card.json` is the production version; no shadows. */
export function directoryModelSource(
  root: string,
  readVersion: (dir: string) => Promise<string | undefined>,
): ModelSource {
  return {
    async locate(name) {
      const dir = `${root}/${name}`;
      const version = await readVersion(dir);
      return version === undefined ? {} : { production: { version, dir } };
    },
  };
}
