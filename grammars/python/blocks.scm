(module (_) @statement)
(block (_) @statement)
