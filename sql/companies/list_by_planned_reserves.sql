-- Purpose: one page of a fund's companies for sortBy=planned_reserves_desc (SPEC §4), each row
--   rendered to the API's JSON by company_list_item(); keyset pagination.
-- Parameters: fund_id (integer); filters, each NULL when not given: status,
--   sector, stage (exact text), q (case-insensitive substring of the name,
--   matched with strpos so % _ and \ are ordinary characters); after_key
--   (bigint) and after_id (integer) from the cursor, both NULL on the first page;
--   page_size (integer, the page's limit + 1 to learn whether more follow).
-- Returns: item JSON text, sort key, id; in page order.
-- Locks: none (plain MVCC read).
-- Index: idx_portfoliocompanies_list_planned (fund_id, c.planned_reserves_cents, id), or
--   idx_portfoliocompanies_list_status_planned (fund_id, status, c.planned_reserves_cents, id) when status is given; read backwards
--   in key order from the cursor's position, stopping after page_size rows:
--   no sort, and a page costs the same however large the fund.
SELECT company_list_item(c)::text, c.planned_reserves_cents, c.id
FROM portfoliocompanies c
WHERE c.fund_id = %(fund_id)s
  AND (%(status)s::text IS NULL OR c.status = %(status)s::text)
  AND (%(sector)s::text IS NULL OR c.sector = %(sector)s::text)
  AND (%(stage)s::text IS NULL OR c.stage = %(stage)s::text)
  AND (%(q)s::text IS NULL OR strpos(lower(c.name), lower(%(q)s::text)) > 0)
  AND (%(after_id)s::integer IS NULL
       OR (c.planned_reserves_cents, c.id) < (%(after_key)s::bigint, %(after_id)s::integer))
ORDER BY c.planned_reserves_cents DESC, c.id DESC
LIMIT %(page_size)s
