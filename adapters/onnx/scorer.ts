/**
 * ONNX scoring with onnxruntime-node (CPU). One InferenceSession per model version; `scoreBatch` makes exactly one
 * session.run per call, so the caller (the processor) decides the micro-batch across keys.
 *
 * Loading refuses, with typed errors and never a crash: a file whose sha256 differs from the card's, bytes the
 * runtime cannot load, and a graph whose inputs/outputs break the contract (core/model/README.md).
 * One intra-op thread by default: the pipeline scales by partitions and processes, and a single thread keeps
 * each row's arithmetic the same whatever the batch size.
 */
import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import type { ModelCard } from '../../core/model/card.js';
import { modelError } from '../../core/model/errors.js';
import { sha256Hex } from '../../core/sha256.js';
import { checkSessionIo } from './io-contract.js';

export interface ScorerOptions {
  /** Threads inside one session.run (default 1). */
  readonly intraOpNumThreads?: number;
}

export interface Scorer {
  readonly model: string;
  readonly featureCount: number;
  /** Scores `n` rows; `rows` is one Float64Array per row, or one flat row-major Float32Array of n * featureCount. */
  scoreBatch(rows: readonly Float64Array[] | Float32Array, n?: number): Promise<Float32Array>;
  close(): Promise<void>;
}

export class OnnxScorer implements Scorer {
  readonly model: string;
  readonly featureCount: number;
  readonly #session: ort.InferenceSession;
  readonly #path: string;

  private constructor(session: ort.InferenceSession, card: ModelCard, path: string) {
    this.#session = session;
    this.#path = path;
    this.model = `${card.name}@${card.version}`;
    this.featureCount = card.featureSet.features.length;
  }

  /** Loads `path` as the model `card` describes; refuses a wrong hash, an unloadable file or a broken I/O contract. */
  static async load(card: ModelCard, path: string, options: ScorerOptions = {}): Promise<OnnxScorer> {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(path);
    } catch (error) {
      throw modelError('VIGIL_MODEL_FILE_UNREADABLE', { path, reason: (error as Error).message }, error);
    }
    const actual = sha256Hex(bytes);
    if (actual !== card.onnx.sha256) {
      throw modelError('VIGIL_MODEL_HASH_MISMATCH', { path, actual, expected: card.onnx.sha256 });
    }
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(bytes, {
        executionProviders: ['cpu'],
        intraOpNumThreads: options.intraOpNumThreads ?? 1,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
      });
    } catch (error) {
      throw modelError('VIGIL_MODEL_ONNX_INVALID', { path, reason: firstLine(error) }, error);
    }
    const problems = checkSessionIo(session, card.featureSet.features.length);
    if (problems.length > 0) {
      await session.release();
      throw modelError('VIGIL_MODEL_IO_MISMATCH', { path, problems: problems.join('; ') });
    }
    return new OnnxScorer(session, card, path);
  }

  async scoreBatch(rows: readonly Float64Array[] | Float32Array, n?: number): Promise<Float32Array> {
    const { data, count } = this.#flatten(rows, n);
    if (count === 0) return new Float32Array(0);
    const input = new ort.Tensor('float32', data, [count, this.featureCount]);
    let output: ort.Tensor | undefined;
    try {
      const result = await this.#session.run({ features: input });
      output = result.score;
      if (output?.type !== 'float32' || output.size !== count) {
        throw new Error(`output score has type ${output?.type} and ${output?.size} values for ${count} rows`);
      }
      // Copy: the result tensor's buffer belongs to the runtime's output and is released with it.
      return Float32Array.from(output.data as Float32Array);
    } catch (error) {
      throw modelError(
        'VIGIL_MODEL_INFERENCE_FAILED',
        { rows: count, model: this.model, reason: firstLine(error) },
        error,
      );
    } finally {
      input.dispose();
      output?.dispose();
    }
  }

  async close(): Promise<void> {
    await this.#session.release();
  }

  toString(): string {
    return `OnnxScorer(${this.model}, ${this.#path})`;
  }

  #flatten(rows: readonly Float64Array[] | Float32Array, n?: number): { data: Float32Array; count: number } {
    const width = this.featureCount;
    if (rows instanceof Float32Array) {
      const count = n ?? rows.length / width;
      if (!Number.isInteger(count) || count < 0 || rows.length < count * width) {
        throw modelError('VIGIL_MODEL_BATCH_INVALID', {
          detail: `a flat batch of ${rows.length} values cannot hold ${n ?? 'whole'} rows of ${width} features`,
        });
      }
      return { data: rows.length === count * width ? rows : rows.subarray(0, count * width), count };
    }
    const count = n ?? rows.length;
    if (count > rows.length) {
      throw modelError('VIGIL_MODEL_BATCH_INVALID', { detail: `asked for ${count} rows, got ${rows.length}` });
    }
    const data = new Float32Array(count * width);
    for (let r = 0; r < count; r++) {
      const row = rows[r] as Float64Array;
      if (row.length !== width) {
        throw modelError('VIGIL_MODEL_BATCH_INVALID', {
          detail: `row ${r} has ${row.length} features, the model takes ${width}`,
        });
      }
      data.set(row, r * width);
    }
    return { data, count };
  }
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}
