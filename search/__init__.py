"""arshif's core: analysis, query language, backends, fusion and snippets."""
