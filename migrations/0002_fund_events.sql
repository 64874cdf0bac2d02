-- depends: 0001_funds_and_companies
-- The audit log, append-only by construction: a trigger refuses every
-- UPDATE, refuses a DELETE of a row younger than the 7-year retention period
-- (the purge command deletes only older rows), and refuses TRUNCATE.

CREATE TABLE fund_events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    fund_id     integer     NOT NULL REFERENCES funds (id),
    event_type  varchar(50) NOT NULL,
    payload     jsonb       NOT NULL,
    user_id     integer     NULL,
    event_time  timestamptz NOT NULL DEFAULT now(),
    operation   varchar(50) NOT NULL,
    entity_type varchar(50) NOT NULL,
    metadata    jsonb       NOT NULL DEFAULT '{}'
);

-- Monitoring (activity per fund) and the purge both filter on type and time.
CREATE INDEX idx_fund_events_type_time ON fund_events (event_type, event_time);
CREATE INDEX idx_fund_events_fund_time ON fund_events (fund_id, event_time);

CREATE FUNCTION fund_events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.event_time < now() - interval '7 years' THEN
            RETURN OLD;
        END IF;
    END IF;
    RAISE EXCEPTION 'fund_events is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Only rows older than the 7-year retention period may be deleted.';
END;
$$;

CREATE TRIGGER fund_events_no_update_or_early_delete
    BEFORE UPDATE OR DELETE ON fund_events
    FOR EACH ROW EXECUTE FUNCTION fund_events_append_only();

CREATE TRIGGER fund_events_no_truncate
    BEFORE TRUNCATE ON fund_events
    FOR EACH STATEMENT EXECUTE FUNCTION fund_events_append_only();
