(source_file (_) @statement)
(statement_list (_) @statement)
(field_declaration_list (_) @statement)
(expression_case (_) @statement)
