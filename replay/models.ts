/**
 * Which model version scores each subject of a replay, and loading them. Choosing needs the registry (main
 * thread, ClickHouse); loading needs only the directories, so each worker thread opens its own ONNX sessions
 * from the same choice. Default: the production version of `<stream>-<subject>`; `--model-version` names a
 * candidate. A replay scores with one model per subject, in the role `production` of its own run: it is the
 * model whose alerts the run reports.
 */
import { openModelDir } from '../adapters/onnx/index.js';
import type { ModelVersionInfo } from '../core/model/registry.js';
import type { ModelSelector, ScoringModel, StreamDefinition } from '../core/scoring/index.js';
import { replayError } from './errors.js';

export interface ModelChoice {
  readonly subject: string;
  readonly name: string;
  readonly version: string;
  /** Directory holding card.json and the ONNX file (the model store's entry). */
  readonly dir: string;
}

/** What choosing needs from the model registry (registry/ implements it). */
export interface VersionLookup {
  production(name: string): Promise<ModelVersionInfo | undefined>;
  get(name: string, version: string): Promise<ModelVersionInfo>;
  readonly store: { dirOf(info: { readonly onnxSha256: string }): string };
}

export interface ModelChoices {
  readonly chosen: ModelChoice[];
  /** Subjects with a feature set but no version to score them (their events are replayed, not scored). */
  readonly unscored: string[];
}

export async function chooseModels(
  registry: VersionLookup,
  stream: string,
  subjects: readonly string[],
  overrides: Readonly<Record<string, string>>,
): Promise<ModelChoices> {
  const names = new Map(subjects.map((s) => [`${stream}-${s}`, s]));
  for (const name of Object.keys(overrides)) {
    if (!names.has(name)) {
      throw replayError('VIGIL_REPLAY_BAD_OPTION', {
        option: '--model-version',
        detail: `no subject of stream ${stream} in this range is scored by "${name}"; models here: ${[...names.keys()].join(', ') || 'none'}`,
      });
    }
  }
  const chosen: ModelChoice[] = [];
  const unscored: string[] = [];
  for (const [name, subject] of names) {
    const wanted = overrides[name];
    const info = wanted === undefined ? await registry.production(name) : await registry.get(name, wanted);
    if (info === undefined) unscored.push(subject);
    else chosen.push({ subject, name, version: info.version, dir: registry.store.dirOf(info) });
  }
  if (chosen.length === 0) {
    throw replayError('VIGIL_REPLAY_NO_MODEL', {
      subjects: subjects.join(', ') || '(no subject in range)',
      detail: 'no production version found',
    });
  }
  return { chosen, unscored };
}

export interface LoadedModels {
  readonly selector: ModelSelector;
  close(): Promise<void>;
}

/** Opens every chosen version (contract, hash and parity checked against the stream's feature set). */
export async function loadModels<E>(
  choices: readonly ModelChoice[],
  definition: StreamDefinition<E>,
  intraOpNumThreads = 1,
): Promise<LoadedModels> {
  const bySubject: Record<string, ScoringModel[]> = {};
  const closers: (() => Promise<void>)[] = [];
  try {
    for (const choice of choices) {
      const featureSet = definition.featureSet(choice.subject);
      if (featureSet === undefined) continue;
      const { card, scorer } = await openModelDir(choice.dir, featureSet, { intraOpNumThreads });
      closers.push(() => scorer.close());
      if (card.name !== choice.name || card.version !== choice.version) {
        throw replayError('VIGIL_REPLAY_NO_MODEL', {
          subjects: choice.subject,
          detail: `${choice.dir} holds ${card.name} ${card.version}, not ${choice.name} ${choice.version}`,
        });
      }
      bySubject[choice.subject] = [
        {
          name: choice.name,
          version: card.version,
          role: 'production',
          threshold: card.threshold,
          featureSetHash: card.featureSet.hash,
          scorer: { scoreBatch: (rows, n) => scorer.scoreBatch(rows, n) },
          reference: card.reference.features,
        },
      ];
    }
  } catch (error) {
    for (const close of closers) await close();
    throw error;
  }
  return {
    selector: { modelsFor: (subject) => bySubject[subject] ?? [] },
    async close() {
      for (const close of closers) await close();
    },
  };
}
