/** The alert workflow: per-level thresholds, maintenance windows, notifications, suggestions, explanations. */
import type { ClickHouse } from '../adapters/clickhouse/index.js';
import type { Logger } from '../adapters/logger.js';
import type { Config } from '../core/config/index.js';
import { describeError } from '../core/errors.js';
import { LiveAlertRules } from './live-alert-rules.js';
import { AlertRulesStore } from './rules-store.js';

export { LiveAlertRules, type RulesSource } from './live-alert-rules.js';
export {
  MaintenanceCalendar,
  type MaintenanceWindow,
  OPERATING_MODES,
  type OperatingMode,
} from './maintenance-calendar.js';
export { AlertRulesStore, type NewWindow, type ThresholdChange } from './rules-store.js';
export {
  THRESHOLD_LEVELS,
  type ThresholdLevel,
  type ThresholdOverride,
  ThresholdResolver,
} from './threshold-resolver.js';

/** The rules a processor of `stream` applies, read from ClickHouse every VIGIL_ALERT_RULES_REFRESH. */
export function liveAlertRulesFor(
  stream: string,
  clickhouse: ClickHouse,
  config: Config,
  logger: Logger,
): LiveAlertRules {
  const log = logger.child({ component: 'alert-rules', stream });
  return new LiveAlertRules({
    stream,
    source: new AlertRulesStore(clickhouse),
    refreshEveryMs: config.alertWorkflow.rulesRefreshMs,
    onRefreshError: (error) =>
      log.warn({ err: describeError(error) }, 'alert rules not refreshed; the rules loaded before stay in force'),
    onRefreshed: (counts) => log.debug(counts, 'alert rules refreshed'),
  });
}
