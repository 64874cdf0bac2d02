-- Undo 0002: drops the audit log, its triggers and their function.
DROP TABLE fund_events;
DROP FUNCTION fund_events_append_only();
