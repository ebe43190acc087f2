"""Post-processing: small named filters that trim or drop a raw model completion."""
