"""Optional semantic mapping: all-MiniLM-L6-v2 embeddings (numpy) against ATT&CK's text."""
