-- Undo 0004: the bearer tokens table (every issued token stops working).
DROP TABLE api_tokens;
