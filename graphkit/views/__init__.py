"""Interactive HTML views of the coverage: offline, safe with hostile data, readable at size."""
