/**
 * The past incidents most like an alert: nearest neighbours on the contributor vector (channel -> z-score of the
 * channels that drove the alert; a channel absent from one side counts as 0, i.e. normal). Euclidean distance
 * over the union of channels, so two alerts driven by the same channels in the same direction and strength are
 * close whatever their absolute values. Pure; ties broken by recency then id for a stable answer.
 */

export interface ContributorLike {
  readonly channel: string;
  readonly zScore: number;
}

export interface Incident {
  readonly alertId: string;
  readonly key: string;
  readonly openedAt: number;
  readonly severity: string;
  readonly contributors: readonly ContributorLike[];
  readonly verdict: string | null;
  readonly comment: string | null;
  readonly action: string | null;
}

export interface SimilarIncident extends Incident {
  readonly distance: number;
}

export function contributorDistance(a: readonly ContributorLike[], b: readonly ContributorLike[]): number {
  const za = new Map(a.map((c) => [c.channel, c.zScore]));
  const zb = new Map(b.map((c) => [c.channel, c.zScore]));
  let sum = 0;
  for (const ch of new Set([...za.keys(), ...zb.keys()])) {
    const d = (za.get(ch) ?? 0) - (zb.get(ch) ?? 0);
    sum += d * d;
  }
  return Math.sqrt(sum);
}

/** The `count` nearest past incidents to `alert` (itself excluded); reviewed ones first among equals. */
export function similarIncidents(
  alert: { alertId: string; contributors: readonly ContributorLike[] },
  past: readonly Incident[],
  count = 5,
): SimilarIncident[] {
  return past
    .filter((p) => p.alertId !== alert.alertId && p.contributors.length > 0)
    .map((p) => ({ ...p, distance: contributorDistance(alert.contributors, p.contributors) }))
    .sort(
      (x, y) =>
        x.distance - y.distance ||
        Number(y.verdict !== null) - Number(x.verdict !== null) ||
        y.openedAt - x.openedAt ||
        (x.alertId < y.alertId ? -1 : 1),
    )
    .slice(0, count);
}
