"""Stage 3, map: records to quads, with the corpus-wide decisions; no format knowledge."""
