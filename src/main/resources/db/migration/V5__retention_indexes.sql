-- Retention deletes fetch records by age (ledger.fetch-retention); audit_log has
-- its time index since V1.
CREATE INDEX config_fetches_time_ix ON config_fetches (fetched_at);
