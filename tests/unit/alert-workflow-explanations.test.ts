/**
 * Explanations a technician can use: for each fault kind the simulator injects, alerts that open during the fault
 * name (among their contributing channels) a channel the ground truth says is faulty. The model here is the
 * largest |z-score| feature, so the test is about the contributors (core/alerts), not about a trained model.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_POLICY } from '../../core/alerts/index.js';
import type { Alert, SensorReading } from '../../core/events/types.js';
import { channelSpecs, defaultPlant } from '../../core/plant/catalogue.js';
import type { GroundTruth } from '../../core/plant/ground-truth.js';
import {
  type BatchScorer,
  type PipelineItem,
  type ScoringModel,
  ScoringPipeline,
  sensorStream,
  staticModels,
} from '../../core/scoring/index.js';
import { withOverrides } from '../../producers/plant/load-plant.js';
import { PlantSimulator } from '../../producers/plant/plant-simulator.js';

const stream = sensorStream(
  { windowsMs: [60_000, 300_000], allowedLatenessMs: 30_000, warmupSpanFraction: 0.5, warmupMinEvents: 0 },
  (t) => channelSpecs(t)?.map((c) => c.name),
);

function zMaxModel(subject: string): ScoringModel {
  const set = stream.featureSet(subject)!;
  const idx = set.featureNames.flatMap((n, i) => (n.includes('zscore') ? [i] : []));
  const width = set.featureNames.length;
  const scorer: BatchScorer = {
    async scoreBatch(rows, n) {
      const out = new Float32Array(n);
      for (let r = 0; r < n; r++) {
        let max = 0;
        for (const i of idx) max = Math.max(max, Math.abs(rows[r * width + i]!));
        out[r] = max;
      }
      return out;
    },
  };
  return {
    name: `sensors-${subject}`,
    version: '1',
    role: 'production',
    threshold: 4,
    featureSetHash: set.hash,
    scorer,
  };
}

/**
 * Kinds whose faulty channel the contributors (|z-score| of the last value against the longest window) name
 * today. Not yet: `stuck` (a frozen value has z ~ 0 while the window's std collapses) and `drift` (slow: the
 * longest window's mean follows it), where alerts open on other channels; see alert-workflow/README.md.
 */
const EXPLAINED_KINDS = ['correlation_break', 'level_shift'];

describe('alert explanations against the simulator ground truth', () => {
  it.todo('names the faulty channel of stuck and drift faults (needs contributors beyond the last-value z-score)');

  it('names a faulty channel among the contributors of alerts opened during each kind of channel fault', async () => {
    const start = Date.UTC(2026, 0, 5);
    const truths: GroundTruth[] = [];
    const plant = withOverrides(defaultPlant(), { faultsPerAssetPerDay: 96 });
    const sim = new PlantSimulator(plant, {
      seed: 21,
      start,
      end: start + 6 * 3_600_000,
      assets: 4,
      onTruth: (t) => truths.push(t),
    });
    const items: PipelineItem<SensorReading>[] = [];
    for (let r = sim.next(), i = 0; r !== null; r = sim.next(), i++) {
      items.push({ event: r, source: { topic: 't', partition: 0, offset: String(i) } });
    }
    const types = [...new Set(items.map((i) => i.event.assetType))];
    const pipeline = new ScoringPipeline(
      stream,
      staticModels(Object.fromEntries(types.map((t) => [t, [zMaxModel(t)]]))),
      { ...DEFAULT_ALERT_POLICY, name: 'explain', topContributors: 3, cooldownMs: 60_000 },
    );
    const alerts: Alert[] = [];
    for (let i = 0; i < items.length; i += 2000) {
      alerts.push(...(await pipeline.process(items.slice(i, i + 2000), { emit: true, scoredAt: 0 })).alerts);
    }
    const opened = alerts.filter((a) => a.state === 'open' && a.eventTime === a.openedAt);
    const byKind = new Map<string, { alerts: number; named: number }>();
    for (const truth of truths) {
      if (truth.channels.length === 0) continue;
      const during = opened.filter((a) => a.key === truth.key && a.openedAt >= truth.start && a.openedAt <= truth.end);
      if (during.length === 0) continue;
      const entry = byKind.get(truth.kind) ?? { alerts: 0, named: 0 };
      for (const a of during) {
        entry.alerts++;
        if (a.contributors.some((c) => truth.channels.includes(c.channel))) entry.named++;
      }
      byKind.set(truth.kind, entry);
    }
    // Printed so a reader sees per kind how often the explanation names the faulty channel.
    console.log('alerts during faults, by kind (alerts naming a faulty channel / alerts):', Object.fromEntries(byKind));
    expect(byKind.size).toBeGreaterThanOrEqual(3);
    for (const kind of EXPLAINED_KINDS) {
      const { alerts: n, named } = byKind.get(kind) ?? { alerts: 0, named: 0 };
      expect(n, `${kind}: alerts during the fault`).toBeGreaterThan(0);
      expect(named, `${kind}: ${named} of ${n} alerts name a faulty channel`).toBeGreaterThan(0);
    }
    // Sudden faults on a channel relation are named in most alerts.
    const cb = byKind.get('correlation_break')!;
    expect(cb.named / cb.alerts).toBeGreaterThan(0.5);
  }, 120_000);
});
