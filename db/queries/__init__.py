"""Read-only queries: what the views and the command line list and show."""
