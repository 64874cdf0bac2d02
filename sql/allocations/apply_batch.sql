-- Purpose: second and last step of a batch update, run only after every rule
--   passed: writes the new values of every company (allocation_version + 1,
--   one last_allocation_at = now() for the whole batch) and exactly one
--   ALLOCATION_UPDATED audit event, in one statement.
-- Parameters: fund_id (integer); parallel arrays, one element per company,
--   in company id order: company_ids (integer[]), planned (bigint[]),
--   caps (bigint[], NULL = no cap), reasons (text[]), expected_versions
--   (integer[]); payload (jsonb text, the event's payload); user_id
--   (integer or NULL); request_id (text).
-- Returns: updated_count, event_id. The UPDATE re-checks every version in SQL
--   (allocation_version = expected); the event is written only if every row
--   matched, and the caller rolls back when updated_count falls short.
-- Locks: the row locks taken by lock_companies.sql (held to COMMIT); the
--   fund_events insert takes FOR KEY SHARE on the fund row through its FK.
-- Index: portfoliocompanies primary key (id = ANY(company_ids)), so the
--   plan never scans the whole fund, however stale its statistics.
WITH batch AS (
    SELECT *
    FROM unnest(%(company_ids)s::integer[], %(planned)s::bigint[], %(caps)s::bigint[],
                %(reasons)s::text[], %(expected_versions)s::integer[])
         AS b (company_id, planned_reserves_cents, allocation_cap_cents,
               allocation_reason, expected_version)
), updated AS (
    UPDATE portfoliocompanies c
    SET planned_reserves_cents = b.planned_reserves_cents,
        allocation_cap_cents   = b.allocation_cap_cents,
        allocation_reason      = b.allocation_reason,
        allocation_version     = c.allocation_version + 1,
        last_allocation_at     = now()
    FROM batch b
    WHERE c.id = b.company_id
      AND c.id = ANY(%(company_ids)s::integer[])  -- primary-key lookups, whatever the fund's size
      AND c.fund_id = %(fund_id)s
      AND c.allocation_version = b.expected_version
    RETURNING c.id
), event AS (
    INSERT INTO fund_events (fund_id, event_type, payload, user_id, operation,
                             entity_type, metadata)
    SELECT %(fund_id)s, 'ALLOCATION_UPDATED', %(payload)s::jsonb, %(user_id)s,
           'UPDATE', 'allocation',
           jsonb_build_object('timestamp', api_timestamp(now()),
                              'company_count', count(*),
                              'request_id', %(request_id)s::text)
    FROM updated
    HAVING count(*) = cardinality(%(company_ids)s::integer[])
    RETURNING id
)
SELECT (SELECT count(*) FROM updated) AS updated_count,
       (SELECT id FROM event) AS event_id
