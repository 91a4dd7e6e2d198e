"""The ``arshif`` command: one entry point over indexer, search and web."""
