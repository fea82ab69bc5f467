/**
 * Fills a migrated test database with what a running plant leaves behind, through the real shared code: the plant
 * simulator -> ScoringPipeline (feature engine + the fixture ONNX model + alert policy) -> the tables the monitor
 * and the dashboards read (readings, features, inferences, alerts, acknowledgements, dead letters, ground truth,
 * model versions and events, orders).
 *
 * The fixture model (tests/fixtures/models/sensors-pump-pca) was trained on 8 synthetic features; here it scores 8
 * features of the plant's pump feature set picked by position (MODEL_INPUTS). The production card written to
 * model_versions is the fixture card with those feature names and with reference histograms built the way
 * training/vigil_training/reference.py builds them (deciles), and a threshold at the reference scores' 90th
 * percentile (the fixture model is out of its domain on these features: a 10% design alert rate gives the alert,
 * acknowledgement and lead-time tables something to show). The reference is the live run's unshifted twin (same seed, same period, no shift, no stopped asset):
 * the simulator's load levels differ between seeds, so another seed is itself a drift of several features, and
 * the test would no longer say which change it detects.
 */
import { readFileSync } from 'node:fs';
import type { ClickHouse, Row } from '../../adapters/clickhouse/index.js';
import {
  alertRow,
  featureRow,
  featureSetRows,
  inferenceRow,
  orderRow,
  sensorReadingRow,
} from '../../adapters/clickhouse/rows.js';
import { OnnxScorer } from '../../adapters/onnx/index.js';
import { DEFAULT_ALERT_POLICY } from '../../core/alerts/index.js';
import type { Alert, Inference, SensorReading } from '../../core/events/types.js';
import { type ModelCard, parseCard } from '../../core/model/card.js';
import { channelSpecs, defaultPlant } from '../../core/plant/catalogue.js';
import type { GroundTruth } from '../../core/plant/ground-truth.js';
import {
  type BatchScorer,
  type FeatureRow,
  type PipelineItem,
  ScoringPipeline,
  sensorStream,
  staticModels,
} from '../../core/scoring/index.js';
import { binCounts } from '../../monitoring/drift-math.js';
import { OrderSimulator } from '../../producers/orders/order-simulator.js';
import { PlantSimulator } from '../../producers/plant/plant-simulator.js';

const FIXTURE = new URL('../fixtures/models/sensors-pump-pca/', import.meta.url);

/** Plant pump features fed to the fixture model, in its input order (flow, pressure, pressure std, ...). */
export const MODEL_INPUTS = [
  'flow.w1m.mean',
  'discharge_pressure.w1m.mean',
  'discharge_pressure.w5m.std',
  'motor_current.w1m.mean',
  'bearing_temp.w5m.mean',
  'vibration_rms.w1m.mean',
  'vibration_rms.w5m.mean',
  'speed.w1m.mean',
] as const;

export const MODEL_NAME = 'sensors-pump';
const DESIGN_QUANTILE = 0.9;
export const MODEL_VERSION = 'fixture-pca-2';
const FEATURE_DEFAULTS = {
  windowsMs: [60_000, 300_000],
  allowedLatenessMs: 30_000,
  warmupSpanFraction: 0.5,
  warmupMinEvents: 0,
};
const stream = sensorStream(FEATURE_DEFAULTS, (t) => channelSpecs(t)?.map((c) => c.name));

export interface SimulationOptions {
  readonly seed: number;
  readonly start: number;
  readonly end: number;
  readonly assets: number;
  readonly onTruth?: (truth: GroundTruth) => void;
}

export function simulateReadings(o: SimulationOptions): SensorReading[] {
  const sim = new PlantSimulator(defaultPlant(), o);
  const out: SensorReading[] = [];
  for (let r = sim.next(); r !== null; r = sim.next()) out.push(r);
  return out;
}

/** Adds `by` to one channel of every reading of the asset type: a sensor recalibrated or a process moved. */
export function shiftChannel(readings: readonly SensorReading[], assetType: string, channel: string, by: number) {
  return readings.map((r) =>
    r.assetType === assetType && channel in r.channels
      ? { ...r, channels: { ...r.channels, [channel]: r.channels[channel]! + by } }
      : r,
  );
}

const isValid = (r: SensorReading) => Object.values(r.channels).every(Number.isFinite);

async function fixtureScorer(): Promise<{ card: ModelCard; scorer: BatchScorer; close(): Promise<void> }> {
  const card = parseCard(JSON.parse(readFileSync(new URL('card.json', FIXTURE), 'utf8')));
  const onnx = await OnnxScorer.load(card, new URL('model.onnx', FIXTURE).pathname);
  const names = stream.featureSet('pump')!.featureNames;
  const picks = MODEL_INPUTS.map((n) => {
    const i = names.indexOf(n);
    if (i < 0) throw new Error(`feature ${n} is not in the pump feature set`);
    return i;
  });
  const scorer: BatchScorer = {
    async scoreBatch(rows, n) {
      const width = rows.length / n;
      const picked = new Float32Array(n * picks.length);
      for (let r = 0; r < n; r++) {
        for (let j = 0; j < picks.length; j++) picked[r * picks.length + j] = rows[r * width + picks[j]!]!;
      }
      return onnx.scoreBatch(picked, n);
    },
  };
  return { card, scorer, close: () => onnx.close() };
}

interface PipelineOutput {
  readonly features: FeatureRow[];
  readonly inferences: Inference[];
  readonly alerts: Alert[];
}

async function runPipeline(
  readings: readonly SensorReading[],
  scorer: BatchScorer,
  threshold: number,
  scoredAt: number,
) {
  const model = {
    name: MODEL_NAME,
    version: MODEL_VERSION,
    role: 'production' as const,
    threshold,
    featureSetHash: '',
    scorer,
  };
  const pipeline = new ScoringPipeline(stream, staticModels({ pump: [model] }), {
    ...DEFAULT_ALERT_POLICY,
    name: 'test',
  });
  const out: PipelineOutput = { features: [], inferences: [], alerts: [] };
  const items: PipelineItem<SensorReading>[] = readings.map((event, i) => ({
    event,
    source: { topic: 'vigil.sensors', partition: 0, offset: String(i) },
  }));
  for (let i = 0; i < items.length; i += 2000) {
    const batch = await pipeline.process(items.slice(i, i + 2000), { emit: true, scoredAt });
    out.features.push(...batch.features);
    out.inferences.push(...batch.inferences);
    out.alerts.push(...batch.alerts);
  }
  return out;
}

/** Deciles of `values` as interior edges (deduplicated) and the counts per bin, as training writes them. */
export function decileHistogram(values: readonly number[]): { edges: number[]; counts: number[] } {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  const quantile = (q: number) => {
    const pos = q * (sorted.length - 1);
    const lo = Math.floor(pos);
    return sorted[lo]! + (sorted[Math.min(lo + 1, sorted.length - 1)]! - sorted[lo]!) * (pos - lo);
  };
  const edges = [...new Set(Array.from({ length: 9 }, (_, i) => quantile((i + 1) / 10)))];
  return { edges, counts: binCounts(edges, sorted) };
}

export interface FillOptions {
  readonly now: number;
  readonly minutes: number;
  readonly seed?: number;
  readonly assets?: number;
  /** Shift one pump channel by this much in the live data (drift). */
  readonly shift?: { readonly channel: string; readonly by: number };
  /** An asset that stops sending `stoppedForMs` before `now`. */
  readonly stop?: { readonly assetId: string; readonly stoppedForMs: number };
  /** Also write orders (Orders dashboard). */
  readonly orders?: boolean;
}

export interface Filled {
  readonly card: ModelCard;
  readonly readings: number;
  readonly inferences: number;
  readonly alerts: number;
  readonly assetIds: readonly string[];
}

export async function fillMonitoringData(ch: ClickHouse, o: FillOptions): Promise<Filled> {
  const seed = o.seed ?? 11;
  const assets = o.assets ?? 4;
  const start = o.now - o.minutes * 60_000;
  const fixture = await fixtureScorer();
  try {
    // Reference: the unshifted twin of the live run; scored without threshold first (the card's comes from it).
    const reference = simulateReadings({ seed, start, end: o.now, assets }).filter(isValid);
    const refOut = await runPipeline(reference, fixture.scorer, Number.POSITIVE_INFINITY, start);
    const refScores = refOut.inferences.map((i) => i.score);
    const threshold = decileQuantile(refScores, DESIGN_QUANTILE);
    const card = parseCard({
      ...fixture.card,
      version: MODEL_VERSION,
      threshold,
      thresholdRule: { method: 'train-quantile', falseAlertRate: 1 - DESIGN_QUANTILE, quantile: DESIGN_QUANTILE },
      featureSet: { ...fixture.card.featureSet, features: [...MODEL_INPUTS] },
      reference: {
        rows: refOut.inferences.length,
        score: decileHistogram(refScores),
        features: Object.fromEntries(
          MODEL_INPUTS.map((n) => [n, decileHistogram(refOut.inferences.map((i) => i.features[n]!))]),
        ),
      },
    });

    // Live.
    const truths: GroundTruth[] = [];
    let live = simulateReadings({ seed, start, end: o.now, assets, onTruth: (t) => truths.push(t) });
    if (o.shift) live = shiftChannel(live, 'pump', o.shift.channel, o.shift.by);
    if (o.stop) {
      const { assetId, stoppedForMs } = o.stop;
      live = live.filter((r) => r.assetId !== assetId || r.eventTime <= o.now - stoppedForMs);
    }
    const valid = live.filter(isValid);
    const invalid = live.filter((r) => !isValid(r));
    const out = await runPipeline(valid, fixture.scorer, threshold, o.now);

    await insertAll(ch, 'sensor_readings', valid.map(readingRow));
    await insertAll(
      ch,
      'feature_sets',
      featureSetRows(out.features).map((s) => s.row),
    );
    await insertAll(
      ch,
      'features',
      out.features.map((f) => featureRow(f)),
    );
    await insertAll(
      ch,
      'inferences',
      // As the stream writes them: the vector once, in the features table (drift reads it through the join).
      out.inferences.map((i) => inferenceRow(i, {}, 'features-table')),
    );
    await insertAll(
      ch,
      'alerts',
      out.alerts.map((a) => alertRow(a)),
    );
    await insertAll(
      ch,
      'dead_letters',
      invalid.map((r, i) => deadLetterRow(r, i, o.now)),
    );
    await insertAll(
      ch,
      'fault_ground_truth',
      truths.map((t) => truthRow(t, seed)),
    );
    await insertAll(ch, 'alert_acknowledgements', acknowledgements(out.alerts));
    await insertAll(ch, 'model_versions', [
      modelVersionRow(card, 'production', start - 7_200_000),
      modelVersionRow({ ...card, version: 'fixture-pca-1' }, 'archived', start - 7_200_000),
    ]);
    await insertAll(ch, 'model_events', [
      {
        model_name: MODEL_NAME,
        stream: 'sensors',
        action: 'promote',
        version: 'fixture-pca-1',
        from_version: null,
        actor: 'test',
        reason: 'first',
        at: start - 3_600_000,
      },
      {
        model_name: MODEL_NAME,
        stream: 'sensors',
        action: 'promote',
        version: MODEL_VERSION,
        from_version: 'fixture-pca-1',
        actor: 'test',
        reason: 'retrained',
        at: start + 600_000,
      },
    ]);
    if (o.orders)
      await insertAll(
        ch,
        'orders',
        simulateOrders(seed, start, o.now).map((order) =>
          orderRow(order, { topic: 'vigil.orders', partition: 0, offset: '0' }),
        ),
      );
    return {
      card,
      readings: valid.length,
      inferences: out.inferences.length,
      alerts: out.alerts.length,
      assetIds: [...new Set(valid.map((r) => r.assetId))].sort(),
    };
  } finally {
    await fixture.close();
  }
}

function decileQuantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function insertAll(ch: ClickHouse, table: string, rows: readonly Row[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 5000) await ch.insertRows(table, rows.slice(i, i + 5000));
}

function simulateOrders(seed: number, start: number, end: number) {
  const sim = new OrderSimulator({ seed, start, end, stores: 3 });
  const out = [];
  for (let o = sim.next(); o !== null; o = sim.next()) out.push(o);
  return out;
}

/** Rows as the stream writes them (adapters/clickhouse/rows.ts), from one fake partition. */
const readingRow = (r: SensorReading): Row =>
  sensorReadingRow(r, { topic: 'vigil.sensors', partition: 0, offset: String(r.seq) });

const deadLetterRow = (r: SensorReading, i: number, now: number): Row => ({
  stream: 'sensors',
  source_topic: 'vigil.sensors',
  source_partition: 1,
  source_offset: i,
  key_base64: Buffer.from(r.assetId).toString('base64'),
  value_base64: Buffer.from(JSON.stringify(r)).toString('base64'),
  reason: 'NAN_VALUE',
  message: 'a channel value is NaN',
  received_at: Math.min(now, r.eventTime + 1000),
});

const truthRow = (t: GroundTruth, seed: number): Row => ({
  source: t.source,
  stream: t.stream,
  key: t.key,
  channels: t.channels,
  kind: t.kind,
  start_time: t.start,
  end_time: t.end,
  seed,
});

/** Operators' verdicts on every other alert opening: alternately real and false, acknowledged 5 minutes later. */
function acknowledgements(alerts: readonly Alert[]): Row[] {
  return alerts
    .filter((a) => a.state === 'open')
    .filter((_, i) => i % 2 === 0)
    .map((a, i) => ({
      alert_id: a.alertId,
      stream: a.stream,
      key: a.key,
      ack_by: 'operator',
      ack_at: a.openedAt + 300_000,
      verdict: i % 2 === 0 ? 'real_fault' : 'false_alarm',
      comment: '',
    }));
}

const modelVersionRow = (card: ModelCard, state: string, at: number): Row => ({
  name: card.name,
  version: card.version,
  stream: card.stream,
  state,
  onnx_sha256: card.onnx.sha256,
  card: JSON.stringify(card),
  created_at: at,
  created_by: 'test',
  updated_at: at,
});
