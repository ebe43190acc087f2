(function_definition body: (compound_statement) @body) @scope
(class_specifier body: (field_declaration_list) @body) @scope
(struct_specifier body: (field_declaration_list) @body) @scope
(union_specifier body: (field_declaration_list) @body) @scope
(enum_specifier body: (enumerator_list) @body) @scope
(namespace_definition body: (declaration_list) @body) @scope
(template_declaration (class_specifier body: (field_declaration_list) @body)) @scope
(lambda_expression body: (compound_statement) @body) @scope
