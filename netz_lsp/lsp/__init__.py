"""The LSP layer: thin handlers that convert between lsprotocol types and the pipeline."""
