/**
 * The names of each feature set version, written to `feature_sets` once per process, before the first rows that
 * store a vector of that version as values only (features rows, inline inference vectors): readers name the values
 * by joining this table. A version is a hash of its definition, so its row never changes, and a second writer of the
 * same row (another process, a retry) is harmless.
 */
import { type FeatureRowInput, featureSetRows } from './rows.js';
import type { ClickHouse } from './types.js';

export class FeatureSetNames {
  readonly #ch: ClickHouse;
  readonly #written = new Set<string>();

  constructor(ch: ClickHouse) {
    this.#ch = ch;
  }

  /** Writes the names of the versions among `vectors` not written yet; throws what the insert throws. */
  async ensure(vectors: readonly FeatureRowInput[]): Promise<void> {
    const sets = featureSetRows(vectors, this.#written);
    if (sets.length === 0) return;
    await this.#ch.insertRows(
      'feature_sets',
      sets.map((s) => s.row),
    );
    for (const s of sets) this.#written.add(s.id);
  }
}
