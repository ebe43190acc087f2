(identifier) @reference
