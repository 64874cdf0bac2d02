-- Undo 0003: the list indexes and the two helper functions.
DROP FUNCTION company_list_item(portfoliocompanies);
DROP FUNCTION api_timestamp(timestamptz);
DROP INDEX idx_portfoliocompanies_list_status_name;
DROP INDEX idx_portfoliocompanies_list_name;
DROP INDEX idx_portfoliocompanies_list_status_planned;
DROP INDEX idx_portfoliocompanies_list_planned;
DROP INDEX idx_portfoliocompanies_list_status_exit_moic;
DROP INDEX idx_portfoliocompanies_list_exit_moic;
