/**
 * A scored simulated run saved to a file (`vigil evaluate --simulate --save-trace f`) and evaluated again without
 * scoring (`vigil evaluate --trace f [--sweep ...]`): scores per key as base64 typed arrays plus the ground truth
 * and the period, in one JSON document (~16 bytes per score). Tuning the alert policy then costs seconds.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { evaluationError } from './errors.js';
import { ScoreTrace } from './score-trace.js';
import type { FaultSpan } from './types.js';

const FORMAT = 'vigil.evaluation.trace/1';

export interface SavedRun {
  readonly trace: ScoreTrace;
  readonly faults: FaultSpan[];
  readonly from: number;
  readonly to: number;
  readonly assets: number;
  /** How the run was produced (the command line), for the report title. */
  readonly source: string;
}

interface TraceDocument {
  format: typeof FORMAT;
  from: number;
  to: number;
  assets: number;
  source: string;
  faults: FaultSpan[];
  /** `speeds`: absent in files saved before speeds were kept (read as unknown). */
  keys: { key: string; threshold: number; times: string; scores: string; speeds?: string }[];
}

const b64 = (a: Float64Array | Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

export async function saveRun(path: string, run: SavedRun): Promise<void> {
  const doc: TraceDocument = {
    format: FORMAT,
    from: run.from,
    to: run.to,
    assets: run.assets,
    source: run.source,
    faults: run.faults,
    keys: [...run.trace.series()].map((s) => ({
      key: s.key,
      threshold: s.threshold,
      times: b64(s.times),
      scores: b64(s.scores),
      speeds: b64(s.speeds),
    })),
  };
  await writeFile(path, JSON.stringify(doc));
}

export async function loadRun(path: string): Promise<SavedRun> {
  let doc: TraceDocument;
  try {
    doc = JSON.parse(await readFile(path, 'utf8')) as TraceDocument;
  } catch (error) {
    throw evaluationError('VIGIL_EVALUATION_TRACE_INVALID', { path, reason: (error as Error).message }, error);
  }
  if (doc?.format !== FORMAT) {
    throw evaluationError('VIGIL_EVALUATION_TRACE_INVALID', {
      path,
      reason: `format ${String(doc?.format)}, expected ${FORMAT}`,
    });
  }
  const typed = <T>(text: string, make: (b: ArrayBuffer) => T): T => {
    const bytes = Buffer.from(text, 'base64');
    return make(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  };
  const trace = ScoreTrace.fromSeries(
    doc.keys.map((k) => ({
      key: k.key,
      threshold: k.threshold,
      times: typed(k.times, (b) => new Float64Array(b)),
      scores: typed(k.scores, (b) => new Float32Array(b)),
      ...(k.speeds === undefined ? {} : { speeds: typed(k.speeds, (b) => new Float32Array(b)) }),
    })),
  );
  return { trace, faults: doc.faults, from: doc.from, to: doc.to, assets: doc.assets, source: doc.source };
}
