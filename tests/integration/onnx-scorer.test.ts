/**
 * The ONNX adapter against the real onnxruntime-node and the models training/ committed in tests/fixtures/models/.
 * Needs no broker or ClickHouse; it lives in the integration tier because it loads the native runtime.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openModelDir, readCard } from '../../adapters/onnx/model-dir.js';
import { checkParity } from '../../adapters/onnx/parity.js';
import { OnnxScorer } from '../../adapters/onnx/scorer.js';
import { isVigilError } from '../../core/errors.js';
import type { ModelCard } from '../../core/model/card.js';
import { sha256Hex } from '../../core/sha256.js';

const FIXTURES = new URL('../fixtures/models/', import.meta.url).pathname;
const MODELS = ['sensors-pump-pca', 'sensors-pump-iforest'] as const;
const work = mkdtempSync(join(tmpdir(), 'vigil-onnx-'));
const opened: OnnxScorer[] = [];

afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
});

async function load(card: ModelCard, path: string): Promise<OnnxScorer> {
  const scorer = await OnnxScorer.load(card, path);
  opened.push(scorer);
  return scorer;
}

async function refusal(promise: Promise<unknown>, code: string): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isVigilError(error, code), `expected ${code}, got ${String(error)}`).toBe(true);
  return error as Error;
}

/** Copies a fixture model into a fresh directory so a test can alter it. */
function copyModel(name: string, label: string): string {
  const dir = mkdtempSync(join(work, `${label}-`));
  for (const file of ['card.json', 'model.onnx']) copyFileSync(join(FIXTURES, name, file), join(dir, file));
  return dir;
}

describe.each(MODELS)('committed model %s', (name) => {
  it('reproduces the scores training recorded for its parity rows', async () => {
    const dir = join(FIXTURES, name);
    const card = await readCard(dir);
    const scorer = await load(card, join(dir, 'model.onnx'));
    const report = await checkParity(card, scorer);
    expect(report.rows).toBe(card.parity.rows.length);
    expect(report.failing).toEqual([]);
    expect(report.maxAbsDiff).toBeLessThanOrEqual(1e-5 * Math.max(1, ...card.parity.scores.map(Math.abs)));
  });

  it('gives identical scores in a batch of 1 and a batch of 500, as rows or as one flat Float32Array', async () => {
    const dir = join(FIXTURES, name);
    const card = await readCard(dir);
    const scorer = await load(card, join(dir, 'model.onnx'));
    const width = card.featureSet.features.length;
    const rows = Array.from({ length: 500 }, (_, i) =>
      Float64Array.from(
        card.parity.rows[i % card.parity.rows.length] as number[],
        (v, j) => v * (1 + ((i + j) % 17) * 0.01),
      ),
    );
    const batch = await scorer.scoreBatch(rows);
    expect(batch).toHaveLength(500);
    const flat = new Float32Array(500 * width);
    rows.forEach((row, i) => {
      flat.set(row, i * width);
    });
    expect(await scorer.scoreBatch(flat, 500)).toEqual(batch);
    const oneByOne = new Float32Array(500);
    for (let i = 0; i < 500; i++) oneByOne[i] = (await scorer.scoreBatch([rows[i] as Float64Array]))[0] as number;
    expect(oneByOne).toEqual(batch);
    expect(new Set(batch).size).toBeGreaterThan(50);
  });

  it('flags the faulty parity rows and not the normal ones (higher score = more anomalous)', async () => {
    const card = await readCard(join(FIXTURES, name));
    const flagged = card.parity.scores.filter((s) => s > card.threshold).length;
    expect(flagged).toBeGreaterThan(0);
    expect(flagged).toBeLessThan(card.parity.scores.length);
  });
});

describe('openModelDir', () => {
  it('opens a model whose contract matches the processor feature set', async () => {
    const dir = join(FIXTURES, 'sensors-pump-pca');
    const card = await readCard(dir);
    const { scorer } = await openModelDir(dir, card.featureSet);
    opened.push(scorer);
    expect(scorer.featureCount).toBe(8);
    expect(scorer.model).toBe(`sensors-pump@${card.version}`);
  });

  it('refuses a contract mismatch, naming the differing features', async () => {
    const dir = join(FIXTURES, 'sensors-pump-pca');
    const card = await readCard(dir);
    const features = [...card.featureSet.features];
    [features[0], features[1]] = [features[1] as string, features[0] as string];
    features[7] = 'bearing_temp_1m';
    const error = await refusal(
      openModelDir(dir, { ...card.featureSet, hash: 'f'.repeat(64), features }),
      'VIGIL_MODEL_CONTRACT_MISMATCH',
    );
    expect(error.message).toContain('hash: model has');
    expect(error.message).toContain('features the model lacks: bearing_temp_1m');
    expect(error.message).toContain('features only the model has: speed_mean_1m');
  });

  it('refuses a card that is not a valid card', async () => {
    const dir = copyModel('sensors-pump-pca', 'bad-card');
    writeFileSync(join(dir, 'card.json'), '{"name": "sensors-pump"}');
    const error = await refusal(
      openModelDir(dir, (await readCard(join(FIXTURES, 'sensors-pump-pca'))).featureSet),
      'VIGIL_MODEL_CARD_INVALID',
    );
    expect(error.message).toContain('featureSet');
  });

  it('refuses a model whose parity rows do not reproduce (a card belonging to another file)', async () => {
    const dir = copyModel('sensors-pump-pca', 'parity');
    const raw = JSON.parse(readFileSync(join(dir, 'card.json'), 'utf8'));
    raw.parity.scores[3] += 0.5;
    writeFileSync(join(dir, 'card.json'), JSON.stringify(raw));
    const error = await refusal(openModelDir(dir, raw.featureSet), 'VIGIL_MODEL_PARITY_FAILED');
    expect(error.message).toContain('row 3');
  });
});

describe('OnnxScorer.load refusals', () => {
  it('refuses a file whose sha256 differs from the card', async () => {
    const dir = copyModel('sensors-pump-pca', 'hash');
    const card = await readCard(dir);
    const bytes = readFileSync(join(dir, 'model.onnx'));
    const last = bytes.length - 1;
    bytes[last] = (bytes[last] as number) ^ 0xff;
    writeFileSync(join(dir, 'model.onnx'), bytes);
    const error = await refusal(OnnxScorer.load(card, join(dir, 'model.onnx')), 'VIGIL_MODEL_HASH_MISMATCH');
    expect(error.message).toContain(card.onnx.sha256);
    expect(error.message).toContain(sha256Hex(bytes));
  });

  it.each([
    ['random bytes', () => Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256))],
    ['a truncated model', () => readFileSync(join(FIXTURES, 'sensors-pump-iforest', 'model.onnx')).subarray(0, 20_000)],
    ['an empty file', () => Buffer.alloc(0)],
  ])('refuses %s as an invalid ONNX model with a typed error', async (_label, bytes) => {
    const dir = copyModel('sensors-pump-iforest', 'corrupt');
    const data = bytes();
    writeFileSync(join(dir, 'model.onnx'), data);
    // The card is updated to the corrupt file's hash so that the runtime itself has to reject the bytes.
    const card = { ...(await readCard(dir)) };
    const tampered: ModelCard = { ...card, onnx: { ...card.onnx, sha256: sha256Hex(data) } };
    await refusal(OnnxScorer.load(tampered, join(dir, 'model.onnx')), 'VIGIL_MODEL_ONNX_INVALID');
  });

  it('refuses a valid ONNX graph that breaks the I/O contract, listing the problems', async () => {
    const card = await readCard(join(FIXTURES, 'sensors-pump-pca'));
    const path = join(FIXTURES, 'bad-io', 'model.onnx');
    const tampered: ModelCard = { ...card, onnx: { ...card.onnx, sha256: sha256Hex(readFileSync(path)) } };
    const error = await refusal(OnnxScorer.load(tampered, path), 'VIGIL_MODEL_IO_MISMATCH');
    expect(error.message).toContain('inputs must be exactly [features], got [x]');
    expect(error.message).toContain('outputs must be exactly [score], got [y]');
  });

  it('refuses a missing file as unreadable', async () => {
    const card = await readCard(join(FIXTURES, 'sensors-pump-pca'));
    await refusal(OnnxScorer.load(card, join(work, 'nope.onnx')), 'VIGIL_MODEL_FILE_UNREADABLE');
  });

  it('refuses rows of the wrong width and an inconsistent flat batch', async () => {
    const dir = join(FIXTURES, 'sensors-pump-pca');
    const scorer = await load(await readCard(dir), join(dir, 'model.onnx'));
    const error = await refusal(
      scorer.scoreBatch([new Float64Array(8), new Float64Array(7)]),
      'VIGIL_MODEL_BATCH_INVALID',
    );
    expect(error.message).toContain('row 1 has 7 features, the model takes 8');
    await refusal(scorer.scoreBatch(new Float32Array(20)), 'VIGIL_MODEL_BATCH_INVALID');
    expect(await scorer.scoreBatch([])).toHaveLength(0);
  });
});
