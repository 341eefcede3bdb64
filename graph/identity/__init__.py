"""Stage 2, identify: the URL and IRI rules, and identity resolution over the corpus."""
