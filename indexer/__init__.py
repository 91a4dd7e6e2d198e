"""Read archives as found, clean them into ``Article``s, and feed a backend."""
