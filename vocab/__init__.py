"""The published kg vocabulary: ontology, JSON-LD context, SHACL shapes and their reference.

This folder is installed as the data package ``graph.vocab`` (see pyproject.toml),
so that the installed ``kg`` finds the files with importlib.resources.
"""
