"""The access log (NEN 7513 style) arrives with the clients and dossiers issue."""
