(program (_) @statement)
(statement_block (_) @statement)
(class_body (_) @statement)
(switch_case (_) @statement)
