// Module Influence: see Docs/architecture.md. Sources are added file by file, one concept each.
