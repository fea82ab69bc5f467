/**
 * The models the API scores with, by subject (asset type), swappable at run time: a promotion or rollback
 * replaces a subject's list and the next request uses it (a request in flight keeps the list it started with).
 */
import type { ModelSelector, ScoringModel } from '../../core/scoring/index.js';

export interface LoadedModelInfo {
  readonly subject: string;
  readonly name: string;
  readonly version: string;
  readonly role: string;
  readonly threshold: number;
}

export class LoadedModels implements ModelSelector {
  #bySubject = new Map<string, readonly ScoringModel[]>();

  set(subject: string, models: readonly ScoringModel[]): void {
    const next = new Map(this.#bySubject);
    if (models.length === 0) next.delete(subject);
    else
      next.set(
        subject,
        [...models].sort((a, b) => (a.role === b.role ? 0 : a.role === 'production' ? -1 : 1)),
      );
    this.#bySubject = next;
  }

  modelsFor(subject: string): readonly ScoringModel[] {
    return this.#bySubject.get(subject) ?? [];
  }

  /** A selector frozen at this instant (one request scores with one set of models from start to end). */
  snapshot(): ModelSelector {
    const frozen = this.#bySubject;
    return { modelsFor: (subject) => frozen.get(subject) ?? [] };
  }

  list(): LoadedModelInfo[] {
    return [...this.#bySubject].flatMap(([subject, models]) =>
      models.map((m) => ({ subject, name: m.name, version: m.version, role: m.role, threshold: m.threshold })),
    );
  }

  get size(): number {
    return this.#bySubject.size;
  }
}
