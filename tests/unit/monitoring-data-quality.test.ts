import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configWith } from '../../core/config/index.js';
import { registeredErrorCodes } from '../../core/errors.js';
import { defaultPlant } from '../../core/plant/catalogue.js';
import { type AlertFinding, alertTransitions, monitoringAlertId } from '../../monitoring/alert-transitions.js';
import { evaluateDataQuality, formatSeconds, type QualityInputs } from '../../monitoring/data-quality.js';
import { plantExpectations } from '../../monitoring/data-quality-job.js';
import '../../monitoring/errors.js';

const NOW = Date.UTC(2026, 0, 5, 12);
const MIN = 60_000;
const policy = {
  staleAfterMs: 2 * MIN,
  deadChannelAfterMs: 10 * MIN,
  windowMs: 15 * MIN,
  lookbackMs: 24 * 60 * MIN,
  requiredChannels: (t: string) => (t === 'pump' ? ['flow', 'speed'] : undefined),
};

function asset(id: string, silentMs: number, extra: Partial<QualityInputs['assets'][number]> = {}) {
  return {
    asset_id: id,
    asset_type: 'pump',
    last_ms: String(NOW - silentMs),
    window_readings: '900',
    window_times: '900',
    window_first_ms: String(NOW - 15 * MIN),
    missing_rate: 0,
    duplicate_rate: 0,
    ...extra,
  };
}

const channel = (assetId: string, name: string, silentMs: number) => ({
  asset_id: assetId,
  channel: name,
  last_ms: String(NOW - silentMs),
  window_readings: '900',
});

describe('data-quality verdicts', () => {
  const inputs: QualityInputs = {
    assets: [
      asset('pump-1', 1_000),
      asset('pump-2', 5 * MIN, { missing_rate: 0.33, duplicate_rate: 0.01 }),
      asset('pump-3', 2_000),
    ],
    channels: [
      channel('pump-1', 'flow', 1_000),
      channel('pump-1', 'speed', 1_000),
      channel('pump-2', 'flow', 5 * MIN),
      channel('pump-3', 'flow', 30 * MIN), // silent for 30 min while the asset reports
    ],
    deadLetters: [
      { stream: 'sensors', reason: 'NAN_VALUE', dead_letters: '3' },
      { stream: 'sensors', reason: 'OUT_OF_RANGE', dead_letters: '7' },
    ],
    invalid: [{ asset_id: 'pump-1', invalid: '10' }],
    ordersAccepted: 0,
  };
  const report = evaluateDataQuality(inputs, policy, NOW);

  it('flags an asset silent for longer than the stale threshold, and only that one', () => {
    const stale = report.findings.filter((f) => f.kind === 'stale_asset');
    expect(stale.map((f) => [f.subject, f.firing])).toEqual([
      ['pump-1', false],
      ['pump-2', true],
      ['pump-3', false],
    ]);
    expect(stale[1]!.message).toBe('pump-2 (pump) sent no reading for 5m (stale after 2m)');
    expect(report.byAssetType.get('pump')).toMatchObject({ staleAssets: 1, freshnessSeconds: 300, missingRatio: 0.33 });
  });

  it('flags a dead channel of a reporting asset, and a required channel never seen, but not a stale asset channels', () => {
    const dead = report.findings.filter((f) => f.kind === 'dead_channel' && f.firing).map((f) => f.subject);
    expect(dead).toEqual(['pump-3/flow', 'pump-3/speed']);
    expect(report.findings.some((f) => f.subject.startsWith('pump-2/'))).toBe(false);
    expect(report.byAssetType.get('pump')!.deadChannels).toBe(2);
  });

  it('writes rows per check, including validity from dead letters and dead-letter rates', () => {
    const byCheck = (check: string) => report.rows.filter((r) => r.check === check);
    expect(byCheck('freshness').map((r) => [r.asset_id, r.status])).toEqual([
      ['pump-1', 'ok'],
      ['pump-2', 'stale'],
      ['pump-3', 'ok'],
    ]);
    expect(byCheck('validity').find((r) => r.asset_id === 'pump-1')!.value).toBe(10);
    expect(byCheck('dead_letters').map((r) => [r.reason, r.value])).toEqual([
      ['NAN_VALUE', 3],
      ['OUT_OF_RANGE', 7],
    ]);
    // 10 dead letters against 2700 accepted readings
    expect(report.deadLetterRate.get('sensors')).toBeCloseTo(10 / 2710, 12);
    expect(report.deadLetterRate.get('orders')).toBe(0);
  });

  it('reads sample intervals and required channels from the plant', () => {
    const { intervals, requiredChannels } = plantExpectations(defaultPlant());
    expect(intervals.pump).toBe(1000);
    expect(requiredChannels('pump')).toContain('flow');
    expect(requiredChannels('pump')).not.toContain('suction_pressure');
    expect(requiredChannels('unknown')).toBeUndefined();
  });

  it('formats durations for people', () => {
    expect([5_000, 90_000, 300_000, 3_600_000, 5_400_000].map(formatSeconds)).toEqual([
      '5s',
      '1m30s',
      '5m',
      '1h',
      '1h30m',
    ]);
  });
});

describe('monitoring alert transitions', () => {
  const finding = (subject: string, firing: boolean): AlertFinding => ({
    kind: 'stale_asset',
    subject,
    firing,
    severity: 'high',
    value: 1,
    threshold: 2,
    message: `${subject} ${firing}`,
    labels: { asset_id: subject },
  });

  it('opens for a new firing subject, closes an open one seen healthy, keeps unobserved ones', () => {
    const opened = alertTransitions([], [finding('a', true), finding('b', false)], 1000);
    expect(opened).toHaveLength(1);
    expect(opened[0]).toMatchObject({ subject: 'a', state: 'open', version: 1, opened_at: 1000, closed_at: null });
    expect(opened[0]!.alert_id).toBe(monitoringAlertId('stale_asset', 'a', 1000));

    expect(alertTransitions(opened, [finding('a', true)], 2000)).toEqual([]); // still firing: nothing new
    expect(alertTransitions(opened, [], 2000)).toEqual([]); // not observed: stays open
    const closed = alertTransitions(opened, [finding('a', false)], 3000);
    expect(closed).toEqual([
      { ...opened[0], state: 'closed', closed_at: 3000, version: 2, updated_at: 3000, message: 'a false' },
    ]);
  });
});

describe('monitoring configuration and errors', () => {
  it('has the documented defaults', () => {
    const m = configWith({}).monitoring;
    expect(m).toMatchObject({ psiThreshold: 0.2, driftWindowsMs: [3_600_000, 86_400_000], metricsPort: 9465 });
  });
  it('refuses thresholds longer than the lookback, naming both variables', () => {
    expect(() => configWith({ VIGIL_DATA_STALE_AFTER: '2d' })).toThrow(
      /VIGIL_DATA_STALE_AFTER .* must be shorter than VIGIL_DATA_QUALITY_LOOKBACK/,
    );
  });
  it('documents every monitoring error code in docs/errors.md', () => {
    const docs = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    const codes = [...registeredErrorCodes().keys()].filter((c) => c.startsWith('VIGIL_MONITORING_'));
    expect(codes.length).toBe(3);
    expect(codes.filter((c) => !docs.includes(`| ${c} |`))).toEqual([]);
  });
});
