"""Triple stores: the embedded store, Graph Store Protocol servers, the sync plan, SPARQL queries."""
