/**
 * Data-quality verdicts (pure): turns the aggregates of data-quality-sql.ts into data_quality rows, alert findings
 * (stale asset, dead channel) and per-asset-type gauges. Thresholds come from config (monitoring section).
 *
 * - stale asset: no reading for longer than `staleAfterMs`.
 * - dead channel: an asset that still reports, but one of its channels (seen in the lookback, or required by its
 *   asset type) has had no value for longer than `deadChannelAfterMs`. A stale asset gets one alert, not one per
 *   channel: its channels are not judged.
 */
import type { AlertFinding } from './alert-transitions.js';
import type { AssetQualityRow, ChannelQualityRow, DeadLetterRow, InvalidReadingsRow } from './data-quality-sql.js';

export interface QualityPolicy {
  readonly staleAfterMs: number;
  readonly deadChannelAfterMs: number;
  readonly windowMs: number;
  readonly lookbackMs: number;
  /** Required channels of an asset type (the plant catalogue); undefined for unknown types. */
  readonly requiredChannels: (assetType: string) => readonly string[] | undefined;
}

export interface QualityInputs {
  readonly assets: readonly AssetQualityRow[];
  readonly channels: readonly ChannelQualityRow[];
  readonly deadLetters: readonly DeadLetterRow[];
  readonly invalid: readonly InvalidReadingsRow[];
  readonly ordersAccepted: number;
}

/** A row of data_quality (computed_at as epoch ms). */
export interface DataQualityRow {
  readonly computed_at: number;
  readonly window_ms: number;
  readonly check: string;
  readonly stream: string;
  readonly asset_type: string;
  readonly asset_id: string;
  readonly channel: string;
  readonly reason: string;
  readonly value: number;
  readonly status: string;
}

export interface AssetTypeSummary {
  /** Largest time since the last reading among the type's assets, seconds. */
  freshnessSeconds: number;
  staleAssets: number;
  deadChannels: number;
  /** Worst missing share of the window among the type's assets (0 when unknown). */
  missingRatio: number;
  duplicateRatio: number;
}

export interface QualityReport {
  readonly rows: DataQualityRow[];
  readonly findings: AlertFinding[];
  readonly byAssetType: ReadonlyMap<string, AssetTypeSummary>;
  /** Dead letters of the window per stream and reason. */
  readonly deadLetters: readonly { stream: string; reason: string; count: number }[];
  /** Dead letters / (dead letters + accepted inputs) per stream. */
  readonly deadLetterRate: ReadonlyMap<string, number>;
}

export function evaluateDataQuality(inputs: QualityInputs, policy: QualityPolicy, now: number): QualityReport {
  const rows: DataQualityRow[] = [];
  const findings: AlertFinding[] = [];
  const byAssetType = new Map<string, AssetTypeSummary>();
  const base = { computed_at: now, window_ms: policy.windowMs, stream: 'sensors', channel: '', reason: '' };
  const summaryOf = (type: string) => {
    let s = byAssetType.get(type);
    if (s === undefined) {
      s = { freshnessSeconds: 0, staleAssets: 0, deadChannels: 0, missingRatio: 0, duplicateRatio: 0 };
      byAssetType.set(type, s);
    }
    return s;
  };
  const channelsOf = groupChannels(inputs.channels);
  const invalidOf = new Map(inputs.invalid.map((r) => [r.asset_id, Number(r.invalid)]));
  let acceptedReadings = 0;

  for (const asset of inputs.assets) {
    const type = asset.asset_type;
    const summary = summaryOf(type);
    const silentMs = now - Number(asset.last_ms);
    const stale = silentMs > policy.staleAfterMs;
    const ids = { ...base, asset_type: type, asset_id: asset.asset_id };
    acceptedReadings += Number(asset.window_readings);
    summary.freshnessSeconds = Math.max(summary.freshnessSeconds, silentMs / 1000);
    if (stale) summary.staleAssets++;
    rows.push({ ...ids, check: 'freshness', value: silentMs / 1000, status: stale ? 'stale' : 'ok' });
    findings.push({
      kind: 'stale_asset',
      subject: asset.asset_id,
      firing: stale,
      severity: 'high',
      value: silentMs / 1000,
      threshold: policy.staleAfterMs / 1000,
      message: stale
        ? `${asset.asset_id} (${type}) sent no reading for ${formatSeconds(silentMs)} (stale after ${formatSeconds(policy.staleAfterMs)})`
        : `${asset.asset_id} (${type}) reports again`,
      labels: { asset_id: asset.asset_id, asset_type: type },
    });
    if (asset.missing_rate >= 0) {
      summary.missingRatio = Math.max(summary.missingRatio, asset.missing_rate);
      rows.push({ ...ids, check: 'completeness', value: asset.missing_rate, status: 'ok' });
    }
    summary.duplicateRatio = Math.max(summary.duplicateRatio, asset.duplicate_rate);
    rows.push({ ...ids, check: 'uniqueness', value: asset.duplicate_rate, status: 'ok' });
    rows.push({ ...ids, check: 'validity', value: invalidOf.get(asset.asset_id) ?? 0, status: 'ok' });
    if (stale) continue;

    const seen = channelsOf.get(asset.asset_id) ?? new Map<string, ChannelQualityRow>();
    const names = new Set([...seen.keys(), ...(policy.requiredChannels(type) ?? [])]);
    for (const channel of [...names].sort()) {
      const row = seen.get(channel);
      const channelSilentMs = row === undefined ? policy.lookbackMs : now - Number(row.last_ms);
      const dead = channelSilentMs > policy.deadChannelAfterMs;
      if (dead) summary.deadChannels++;
      const windowReadings = Number(asset.window_readings);
      const share = windowReadings > 0 ? 1 - Number(row?.window_readings ?? 0) / windowReadings : 0;
      rows.push({
        ...ids,
        channel,
        check: 'channel_freshness',
        value: channelSilentMs / 1000,
        status: dead ? 'dead' : 'ok',
      });
      rows.push({ ...ids, channel, check: 'channel_completeness', value: Math.max(0, share), status: 'ok' });
      findings.push({
        kind: 'dead_channel',
        subject: `${asset.asset_id}/${channel}`,
        firing: dead,
        severity: 'medium',
        value: channelSilentMs / 1000,
        threshold: policy.deadChannelAfterMs / 1000,
        message: dead
          ? `${asset.asset_id} reports, but channel ${channel} had no value for ${formatSeconds(channelSilentMs)}${row === undefined ? ' (none in the lookback)' : ''}`
          : `${asset.asset_id} channel ${channel} has values again`,
        labels: { asset_id: asset.asset_id, asset_type: type, channel },
      });
    }
  }

  const deadLetters = inputs.deadLetters.map((r) => ({
    stream: r.stream,
    reason: r.reason,
    count: Number(r.dead_letters),
  }));
  const deadByStream = new Map<string, number>();
  for (const d of deadLetters) {
    deadByStream.set(d.stream, (deadByStream.get(d.stream) ?? 0) + d.count);
    rows.push({
      ...base,
      stream: d.stream,
      asset_type: '',
      asset_id: '',
      reason: d.reason,
      check: 'dead_letters',
      value: d.count,
      status: 'ok',
    });
  }
  const accepted = new Map([
    ['sensors', acceptedReadings],
    ['orders', inputs.ordersAccepted],
  ]);
  const deadLetterRate = new Map<string, number>();
  for (const stream of new Set([...accepted.keys(), ...deadByStream.keys()])) {
    const dead = deadByStream.get(stream) ?? 0;
    const total = dead + (accepted.get(stream) ?? 0);
    const rate = total === 0 ? 0 : dead / total;
    deadLetterRate.set(stream, rate);
    rows.push({ ...base, stream, asset_type: '', asset_id: '', check: 'dead_letter_rate', value: rate, status: 'ok' });
  }
  return { rows, findings, byAssetType, deadLetters, deadLetterRate };
}

function groupChannels(rows: readonly ChannelQualityRow[]): Map<string, Map<string, ChannelQualityRow>> {
  const out = new Map<string, Map<string, ChannelQualityRow>>();
  for (const row of rows) {
    let m = out.get(row.asset_id);
    if (m === undefined) {
      m = new Map();
      out.set(row.asset_id, m);
    }
    m.set(row.channel, row);
  }
  return out;
}

/** 90 s -> "1m30s"; for messages people read. */
export function formatSeconds(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  const h = Math.floor(m / 60);
  return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
}
