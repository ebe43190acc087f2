(function_definition body: (compound_statement) @body) @scope
(struct_specifier body: (field_declaration_list) @body) @scope
(union_specifier body: (field_declaration_list) @body) @scope
(enum_specifier body: (enumerator_list) @body) @scope
