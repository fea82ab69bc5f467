-- alert_acknowledgements.action: what the person did, 'acknowledged' (seen, being handled) or 'resolved' (closed
-- by a person, with the verdict real_fault / false_alarm kept for alert-quality figures). The stream owns the
-- alert's own state (alerts.state); a person's resolution lives here so the API and the stream never rewrite the
-- same row. The latest row per alert_id still wins (ReplacingMergeTree(ack_at)).
ALTER TABLE alert_acknowledgements ADD COLUMN IF NOT EXISTS action LowCardinality(String) DEFAULT 'acknowledged';
