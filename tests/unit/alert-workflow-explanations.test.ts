/**
 * Explanations a technician can use: for each fault kind the simulator injects, alerts the fault caused name the
 * ground-truth channel as their top contributor. Everything is the stream's own code: readings pass the
 * processor's contract checks, then the shared ScoringPipeline with the committed default models (ONNX), the
 * configured alert policy and the contributor ranking of core/alerts.
 *
 * "Caused by the fault": the committed models raise some alerts on normal data too (regime changes), and a long
 * fault (a drift lasts 6-48 h) holds some of them. The simulator draws physics, faults and data problems from
 * separate random streams, so the same seed without faults gives the same readings minus the faults; an alert
 * opened during a fault counts only when that fault-free twin has no alert of the key within 5 minutes of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertPolicyFromConfig } from '../../core/alerts/index.js';
import { configWith } from '../../core/config/index.js';
import type { Alert, SensorReading } from '../../core/events/types.js';
import { validateReading } from '../../core/events/validate.js';
import { channelSpecs, defaultPlant } from '../../core/plant/catalogue.js';
import type { GroundTruth } from '../../core/plant/ground-truth.js';
import { type PipelineItem, ScoringPipeline, sensorStream } from '../../core/scoring/index.js';
import { type DirectoryModels, openDirectoryModels } from '../../evaluation/model-dir-models.js';
import { withOverrides } from '../../producers/plant/load-plant.js';
import { PlantSimulator } from '../../producers/plant/plant-simulator.js';

const config = configWith({});
const stream = sensorStream(config.features, (t) => channelSpecs(t)?.map((c) => c.name));
const START = Date.UTC(2026, 0, 5);
const HOURS = 6;
const MARGIN_MS = 5 * 60_000;
/**
 * The alert policy pinned to the values the figures in alert-workflow/README.md were measured with (the defaults
 * of that time), so retuning the defaults does not silently change what this test measures.
 */
const POLICY = {
  ...config.alerts,
  k: 30,
  n: 60,
  openRatio: 3,
  closeAfter: 60,
  hysteresis: 0.1,
  cooldownMs: 900_000,
};

let models: DirectoryModels;

beforeAll(async () => {
  const types = Object.keys(defaultPlant().assetTypes);
  models = await openDirectoryModels('models', 'sensors', types, (t) => stream.featureSet(t));
});

afterAll(async () => {
  await models?.close();
});

/**
 * Fault kinds by group, one simulated run per group: short faults and long ones apart, because a long fault
 * (drift: 6-48 h, dead channel: 1-12 h) keeps its asset from other faults for the rest of a run.
 */
const GROUPS: Record<string, number>[] = [
  { spike: 1, level_shift: 1, noise_burst: 1, overheating: 1, correlation_break: 1 },
  { stuck: 2, dead_channel: 2, drift: 1 },
];

/**
 * Readings of the whole default plant (14 assets, 6 h) with `faultsPerAssetPerDay` faults of the kinds in `mix`,
 * through the pipeline: alerts and ground truth.
 */
async function run(
  faultsPerAssetPerDay: number,
  mix: Record<string, number> = {},
): Promise<{ alerts: Alert[]; truths: GroundTruth[] }> {
  const base = withOverrides(defaultPlant(), { faultsPerAssetPerDay });
  const plant = { ...base, faults: { ...base.faults, mix } };
  const truths: GroundTruth[] = [];
  const sim = new PlantSimulator(plant, {
    seed: 5,
    start: START,
    end: START + HOURS * 3_600_000,
    onTruth: (t) => truths.push(t),
  });
  const catalogue = (assetType: string) => channelSpecs(assetType, plant);
  const pipeline = new ScoringPipeline(stream, models.selector, alertPolicyFromConfig('explain', POLICY));
  const alerts: Alert[] = [];
  let items: PipelineItem<SensorReading>[] = [];
  const flush = async () => {
    alerts.push(...(await pipeline.process(items, { emit: true, scoredAt: 0 })).alerts);
    items = [];
  };
  for (let r = sim.next(), i = 0; r !== null; r = sim.next(), i++) {
    // What the processor dead-letters never reaches the windows.
    if (!validateReading(r, r.eventTime, catalogue, { maxFutureSkewMs: 0 }).ok) continue;
    items.push({ event: r, source: { topic: 't', partition: 0, offset: String(i) } });
    if (items.length === 4000) await flush();
  }
  await flush();
  return { alerts, truths };
}

interface Tally {
  alerts: number;
  top: number;
  named: number;
}

describe('alert explanations against the simulator ground truth', () => {
  it('names the faulty channel first in alerts caused by each kind of fault', { timeout: 900_000 }, async () => {
    const twin = await run(0);
    const runs = [];
    for (const mix of GROUPS) runs.push(await run(48, mix));
    const spans = new Map<string, { key: string; openedAt: number; closedAt: number }>();
    for (const a of twin.alerts) {
      const s = spans.get(a.alertId) ?? { key: a.key, openedAt: a.openedAt, closedAt: Number.POSITIVE_INFINITY };
      if (a.closedAt !== null) s.closedAt = a.closedAt;
      spans.set(a.alertId, s);
    }
    const inTwin = (a: Alert) =>
      [...spans.values()].some(
        (s) => s.key === a.key && a.openedAt >= s.openedAt - MARGIN_MS && a.openedAt <= s.closedAt + MARGIN_MS,
      );
    const byKind = new Map<string, Tally>();
    const misses: string[] = [];
    // The record of each alert at its opening (later records only escalate).
    const opened = runs.flatMap((r) =>
      r.alerts.filter((a) => a.state === 'open' && a.eventTime === a.openedAt).map((a) => ({ a, truths: r.truths })),
    );
    for (const { a, truths } of opened) {
      const truth = truths.find((t) => t.key === a.key && a.openedAt >= t.start && a.openedAt <= t.end);
      if (truth === undefined || truth.channels.length === 0 || inTwin(a)) continue;
      const tally = byKind.get(truth.kind) ?? { alerts: 0, top: 0, named: 0 };
      tally.alerts++;
      if (truth.channels.includes(a.contributors[0]?.channel ?? '')) tally.top++;
      else misses.push(`${truth.kind} ${a.key} ${truth.channels} -> ${a.contributors.map((c) => c.channel)}`);
      if (a.contributors.some((c) => truth.channels.includes(c.channel))) tally.named++;
      byKind.set(truth.kind, tally);
    }
    // Printed so a reader sees, per kind, how often the explanation names the faulty channel.
    console.log('alerts caused by faults, by kind (top contributor / among contributors / alerts):', byKind);
    console.log('top contributor not the faulty channel:', misses);

    // Every kind the simulator injects caused alerts here (the run is deterministic: same seed, same alerts).
    const perChannel = ['spike', 'level_shift', 'drift', 'stuck', 'noise_burst', 'overheating', 'dead_channel'];
    for (const kind of [...perChannel, 'correlation_break']) {
      expect(byKind.get(kind)?.alerts ?? 0, `${kind}: alerts caused by the fault`).toBeGreaterThan(0);
    }
    // Faults of one channel: that channel comes first in alerts of every kind, and in 80 % of all such alerts
    // (a few alerts fall during a regime change that moves other channels further, e.g. a spindle speeding up).
    let alerts = 0;
    let top = 0;
    for (const kind of perChannel) {
      const t = byKind.get(kind)!;
      expect(t.top, `${kind}: ${t.top} of ${t.alerts} alerts name the faulty channel first`).toBeGreaterThan(0);
      alerts += t.alerts;
      top += t.top;
    }
    expect(top / alerts, `${top} of ${alerts} alerts name the faulty channel first`).toBeGreaterThanOrEqual(0.8);
    // A correlation break is a relation between two channels (current up, flow flat), which per-channel evidence
    // cannot see once the current's rise is over: a faulty channel is among the contributors, not always first.
    const cb = byKind.get('correlation_break')!;
    expect(cb.named, `correlation_break: ${cb.named} of ${cb.alerts} name a faulty channel`).toBeGreaterThan(0);
  });
});
