import { describe, expect, it } from 'vitest';
import { LiveAlertRules, type RulesSource } from '../../alert-workflow/live-alert-rules.js';
import {
  MaintenanceCalendar,
  type MaintenanceWindow,
  validateWindow,
} from '../../alert-workflow/maintenance-calendar.js';
import {
  type ThresholdOverride,
  ThresholdResolver,
  validateOverride,
} from '../../alert-workflow/threshold-resolver.js';
import { DEFAULT_ALERT_POLICY } from '../../core/alerts/index.js';
import { isVigilError } from '../../core/errors.js';
import type { SensorReading } from '../../core/events/types.js';
import { channelSpecs, defaultPlant } from '../../core/plant/catalogue.js';
import {
  type AlertRules,
  type PipelineItem,
  type ScoringModel,
  ScoringPipeline,
  sensorStream,
  staticModels,
} from '../../core/scoring/index.js';
import { PlantSimulator } from '../../producers/plant/plant-simulator.js';

const stream = sensorStream(
  { windowsMs: [60_000, 300_000], allowedLatenessMs: 30_000, warmupSpanFraction: 0.5, warmupMinEvents: 0 },
  (t) => channelSpecs(t)?.map((c) => c.name),
);
const POLICY = { ...DEFAULT_ALERT_POLICY, name: 'test', cooldownMs: 0 };
const START = Date.UTC(2026, 0, 5, 8);

/** Every vector scores 1.0: whether a key alerts depends on its threshold only. */
const constantModel = (subject: string, threshold: number): ScoringModel => ({
  name: `sensors-${subject}`,
  version: '1',
  role: 'production',
  threshold,
  featureSetHash: '',
  scorer: { scoreBatch: async (_rows, n) => new Float32Array(n).fill(1) },
});

function readings(minutes: number): PipelineItem<SensorReading>[] {
  const sim = new PlantSimulator(defaultPlant(), { seed: 3, start: START, end: START + minutes * 60_000, assets: 2 });
  const items: PipelineItem<SensorReading>[] = [];
  for (let r = sim.next(), i = 0; r !== null; r = sim.next(), i++) {
    items.push({ event: r, source: { topic: 't', partition: 0, offset: String(i) } });
  }
  return items;
}

const items = readings(12);
const types = [...new Set(items.map((i) => i.event.assetType))];
const keysOf = (type: string) => [
  ...new Set(items.filter((i) => i.event.assetType === type).map((i) => i.event.assetId)),
];
const models = staticModels(Object.fromEntries(types.map((t) => [t, [constantModel(t, 2)]])));

function override(level: 'asset' | 'asset_type', target: string, threshold: number): ThresholdOverride {
  return { stream: 'sensors', level, target, threshold, setBy: 'ana', setAt: 1, reason: 'test' };
}

function windowOf(key: string, startsAt: number, endsAt: number): MaintenanceWindow {
  return {
    windowId: `w-${key}`,
    stream: 'sensors',
    key,
    mode: 'maintenance',
    startsAt,
    endsAt,
    reason: 'bearing swap',
    createdBy: 'ana',
    createdAt: 0,
    endedBy: '',
  };
}

class MemorySource implements RulesSource {
  overrides: ThresholdOverride[] = [];
  windows: MaintenanceWindow[] = [];
  loads = 0;
  async thresholdOverrides() {
    this.loads++;
    return this.overrides;
  }
  async maintenanceWindows(_stream: string, since: number) {
    return this.windows.filter((w) => w.endsAt > since);
  }
}

/** A source whose loads wait until the test opens it. */
class GatedSource extends MemorySource {
  #gate!: Promise<void>;
  #open!: () => void;
  constructor() {
    super();
    this.close();
  }
  open() {
    this.#open();
  }
  close() {
    this.#gate = new Promise((resolve) => {
      this.#open = resolve;
    });
  }
  override async thresholdOverrides() {
    const overrides = await super.thresholdOverrides();
    await this.#gate;
    return overrides;
  }
}

async function run(rules: AlertRules | undefined, batches = 1, between?: (batch: number) => Promise<void>) {
  const pipeline = new ScoringPipeline(stream, models, POLICY, rules ? { alertRules: rules } : {});
  const out = {
    inferences: [] as { key: string; threshold: number; anomaly: boolean; eventTime: number }[],
    alerts: [] as { alertId: string; key: string; state: string; openedAt: number }[],
    suppressed: new Set<string>(),
  };
  const size = Math.ceil(items.length / batches);
  for (let b = 0; b < batches; b++) {
    await between?.(b);
    const scored = await pipeline.process(items.slice(b * size, (b + 1) * size), { emit: true, scoredAt: 0 });
    out.inferences.push(...scored.inferences);
    out.alerts.push(...scored.alerts);
    for (const id of scored.suppressedAlerts) out.suppressed.add(id);
  }
  return out;
}

describe('threshold resolver', () => {
  it('applies the most specific level: asset over asset type over fleet', () => {
    const r = new ThresholdResolver(
      [
        override('asset_type', 'pump', 3),
        override('asset', 'pump-01', 4),
        { ...override('asset', 'pump-02', 9), stream: 'orders' },
      ],
      'sensors',
    );
    expect(r.resolve('pump', 'pump-01', 1)).toEqual({ threshold: 4, level: 'asset' });
    expect(r.resolve('pump', 'pump-02', 1)).toEqual({ threshold: 3, level: 'asset_type' });
    expect(r.resolve('motor', 'motor-01', 1)).toEqual({ threshold: 1, level: 'fleet' });
    expect(r.thresholdFor('pump', 'pump-01', 1)).toBe(4);
  });

  it('refuses overrides without a finite threshold, an author or a reason', () => {
    for (const bad of [
      { ...override('asset', 'p', Number.NaN) },
      { ...override('asset', 'p', 1), setBy: '' },
      { ...override('asset', 'p', 1), reason: ' ' },
      { ...override('asset', '', 1) },
    ]) {
      expect(() => validateOverride(bad)).toThrowError(/VIGIL_ALERT_WORKFLOW_INVALID_THRESHOLD|invalid/);
    }
  });
});

describe('maintenance calendar', () => {
  it('covers [start, end) of its asset only', () => {
    const c = new MaintenanceCalendar([windowOf('a', 100, 200)], 'sensors');
    expect(c.isSuppressed('a', 99)).toBe(false);
    expect(c.isSuppressed('a', 100)).toBe(true);
    expect(c.isSuppressed('a', 199)).toBe(true);
    expect(c.isSuppressed('a', 200)).toBe(false);
    expect(c.isSuppressed('b', 150)).toBe(false);
  });

  it('refuses a window that ends before it starts', () => {
    try {
      validateWindow(windowOf('a', 200, 100));
      expect.unreachable();
    } catch (error) {
      expect(isVigilError(error) && error.code).toBe('VIGIL_ALERT_WORKFLOW_INVALID_WINDOW');
    }
  });
});

describe('alert rules in the scoring pipeline', () => {
  it('scores at the fleet threshold without rules, and without alerts when scores stay below it', async () => {
    const out = await run(undefined);
    expect(out.inferences.length).toBeGreaterThan(0);
    expect(out.inferences.every((i) => i.threshold === 2 && !i.anomaly)).toBe(true);
    expect(out.alerts).toEqual([]);
  });

  it('applies an asset-type override to every asset of the type and an asset override above it', async () => {
    const type = types[0]!;
    const [first, ...others] = keysOf(type);
    expect(first).toBeDefined();
    const source = new MemorySource();
    source.overrides = [override('asset_type', type, 0.5), override('asset', first!, 5)];
    const rules = new LiveAlertRules({ stream: 'sensors', source, refreshEveryMs: 0 });
    await rules.refresh(0);
    const out = await run(rules);
    const ofFirst = out.inferences.filter((i) => i.key === first);
    expect(ofFirst.length).toBeGreaterThan(0);
    expect(ofFirst.every((i) => i.threshold === 5 && !i.anomaly)).toBe(true);
    for (const key of others) {
      expect(out.inferences.filter((i) => i.key === key).every((i) => i.threshold === 0.5 && i.anomaly)).toBe(true);
      expect(out.alerts.some((a) => a.key === key && a.state === 'open')).toBe(true);
    }
    expect(out.alerts.some((a) => a.key === first)).toBe(false);
  });

  it('takes a threshold change into account from the next batch after a refresh, without a new pipeline', async () => {
    const source = new MemorySource();
    let clock = 0;
    const rules = new LiveAlertRules({ stream: 'sensors', source, refreshEveryMs: 1_000 });
    const changeAt = 2;
    const out = await run(rules, 4, async (batch) => {
      if (batch === changeAt) source.overrides = types.map((t) => override('asset_type', t, 0.5));
      clock += 1_000;
      await rules.refreshIfDue(clock);
    });
    const size = Math.ceil(items.length / 4);
    const boundary = items[changeAt * size]!.event.eventTime;
    const before = out.inferences.filter((i) => i.eventTime < boundary);
    const after = out.inferences.filter((i) => i.eventTime > boundary + 60_000);
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((i) => !i.anomaly)).toBe(true);
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((i) => i.anomaly && i.threshold === 0.5)).toBe(true);
    expect(out.alerts.length).toBeGreaterThan(0);
    expect(out.alerts.every((a) => a.openedAt >= boundary)).toBe(true);
    expect(source.loads).toBe(4);
  });

  it('does not reload before refreshEveryMs has passed, and keeps the loaded rules when a load fails', async () => {
    const source = new MemorySource();
    source.overrides = [override('asset_type', 'pump', 0.5)];
    const errors: unknown[] = [];
    const rules = new LiveAlertRules({
      stream: 'sensors',
      source,
      refreshEveryMs: 10_000,
      onRefreshError: (e) => errors.push(e),
    });
    expect(await rules.refreshIfDue(0)).toBe(true);
    expect(await rules.refreshIfDue(5_000)).toBe(false);
    source.thresholdOverrides = async () => {
      throw new Error('clickhouse down');
    };
    expect(await rules.refreshIfDue(10_000)).toBe(false);
    expect(errors).toHaveLength(1);
    expect(rules.thresholdFor('pump', 'pump-9', 2)).toBe(0.5);
  });

  it('makes a batch wait for the first load only; later loads run beside the stream, one at a time', async () => {
    const source = new GatedSource();
    source.overrides = [override('asset_type', 'pump', 0.5)];
    const rules = new LiveAlertRules({ stream: 'sensors', source, refreshEveryMs: 1_000 });
    const first = rules.beforeBatch(0);
    expect(first).toBeInstanceOf(Promise);
    source.open();
    expect(await first).toBe(true);
    expect(rules.thresholdFor('pump', 'pump-1', 2)).toBe(0.5);

    source.overrides = [override('asset_type', 'pump', 0.7)];
    source.close();
    expect(rules.beforeBatch(1_000)).toBeUndefined();
    expect(rules.beforeBatch(2_500)).toBeUndefined();
    expect(source.loads).toBe(2);
    // The batch goes on with the rules it has until the load completes.
    expect(rules.thresholdFor('pump', 'pump-1', 2)).toBe(0.5);
    source.open();
    await rules.idle();
    expect(rules.thresholdFor('pump', 'pump-1', 2)).toBe(0.7);
    // Due again: the next load starts.
    expect(rules.beforeBatch(2_999)).toBeUndefined();
    expect(source.loads).toBe(3);
  });

  it('makes every batch wait for its load when refreshEveryMs is 0, and retries a failed first load', async () => {
    const source = new GatedSource();
    source.open();
    const working = source.thresholdOverrides.bind(source);
    source.thresholdOverrides = async () => {
      throw new Error('clickhouse down');
    };
    const rules = new LiveAlertRules({ stream: 'sensors', source, refreshEveryMs: 0, onRefreshError: () => {} });
    expect(await rules.beforeBatch(0)).toBe(false);
    source.thresholdOverrides = working;
    source.overrides = [override('asset_type', 'pump', 0.5)];
    expect(await rules.beforeBatch(0)).toBe(true);
    expect(rules.thresholdFor('pump', 'pump-1', 2)).toBe(0.5);
    expect(await rules.beforeBatch(0)).toBe(true);
  });

  it('suppresses alerts that open inside a maintenance window of their asset, and none outside it', async () => {
    const source = new MemorySource();
    source.overrides = types.map((t) => override('asset_type', t, 0.5));
    const keys = [...new Set(items.map((i) => i.event.assetId))];
    const [inWindow, outside] = keys;
    expect(outside).toBeDefined();
    source.windows = [
      windowOf(inWindow!, START, START + 3_600_000),
      windowOf(outside!, START - 7_200_000, START - 3_600_000),
    ];
    const rules = new LiveAlertRules({
      stream: 'sensors',
      source,
      refreshEveryMs: 0,
      windowLookbackMs: Number.POSITIVE_INFINITY,
    });
    await rules.refresh(START);
    const out = await run(rules);
    const opened = (key: string) => out.alerts.filter((a) => a.key === key && a.state === 'open');
    expect(opened(inWindow!).length).toBeGreaterThan(0);
    expect(opened(outside!).length).toBeGreaterThan(0);
    expect(opened(inWindow!).every((a) => out.suppressed.has(a.alertId))).toBe(true);
    expect(opened(outside!).some((a) => out.suppressed.has(a.alertId))).toBe(false);
  });
});
