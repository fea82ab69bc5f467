/**
 * Runs the Python trainer (training/vigil_training) on a snapshot: `python -m vigil_training train ...` in the
 * project's virtual environment. Python fits, picks the threshold, evaluates on the held-out later range, exports
 * ONNX, checks parity and writes model.onnx + card.json + card.md into `out`.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { trainingError } from './errors.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DEFAULT_PYTHON = fileURLToPath(new URL('../.venv/bin/python', import.meta.url));

export interface TrainerOptions {
  readonly dataset: string;
  readonly modelName: string;
  readonly out: string;
  readonly seed: number;
  readonly algorithm: 'auto' | 'iforest' | 'pca';
  readonly trainUntil?: number;
  /** Share of normal training rows above the threshold; the trainer's own default when absent. */
  readonly falseAlertRate?: number;
  readonly assetType?: string;
  readonly stream: string;
  readonly tracking: boolean;
  /** Environment of the child (the CLI passes its own: MLFLOW_TRACKING_URI, VIGIL_DATA_DIR). */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly python?: string;
}

export interface TrainerSummary {
  readonly out: string;
  readonly name: string;
  readonly version: string;
  readonly algorithm: string;
  readonly threshold: number;
  readonly f1: number;
  readonly onnxSha256: string;
}

export function trainerArgs(o: TrainerOptions): string[] {
  const args = ['-m', 'vigil_training', 'train', '--dataset', o.dataset, '--model-name', o.modelName];
  args.push('--out', o.out, '--seed', String(o.seed), '--algorithm', o.algorithm, '--stream', o.stream);
  if (o.trainUntil !== undefined) args.push('--train-until', String(o.trainUntil));
  if (o.falseAlertRate !== undefined) args.push('--false-alert-rate', String(o.falseAlertRate));
  if (o.assetType !== undefined) args.push('--asset-type', o.assetType);
  if (!o.tracking) args.push('--no-tracking');
  return args;
}

export async function runTrainer(o: TrainerOptions): Promise<TrainerSummary> {
  const python = o.python ?? DEFAULT_PYTHON;
  if (!existsSync(python)) throw trainingError('VIGIL_TRAINING_PYTHON_MISSING', { path: python });
  const child = spawn(python, trainerArgs(o), {
    cwd: REPO_ROOT,
    env: { ...o.env } as NodeJS.ProcessEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => {
    stdout += s;
  });
  child.stderr.setEncoding('utf8').on('data', (s: string) => {
    stderr += s;
  });
  const code = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (c) => resolve(c ?? -1));
  });
  if (code !== 0) {
    const detail = (stderr.trim().split('\n').slice(-8).join('\n') || stdout.trim()).slice(-2000);
    throw trainingError('VIGIL_TRAINING_TRAINER_FAILED', { code, detail });
  }
  const line = stdout
    .trim()
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{'));
  if (line === undefined) {
    throw trainingError('VIGIL_TRAINING_TRAINER_FAILED', { code, detail: `no summary line in its output: ${stdout}` });
  }
  return JSON.parse(line) as TrainerSummary;
}
