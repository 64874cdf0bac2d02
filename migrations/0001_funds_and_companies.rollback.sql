-- Undo 0001: drops the companies, then the funds (and their indexes).
DROP TABLE portfoliocompanies;
DROP TABLE funds;
