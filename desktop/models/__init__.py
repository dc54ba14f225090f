"""Qt item models: thin adapters over the core's query results (ids in ``Qt.UserRole``)."""
