"""Bearer-token authentication and authorization (SPEC §7)."""
