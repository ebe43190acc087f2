(function_declaration body: (block) @body) @scope
(method_declaration body: (block) @body) @scope
(func_literal body: (block) @body) @scope
(type_declaration (type_spec type: (struct_type (field_declaration_list) @body))) @scope
(type_declaration (type_spec type: (interface_type) @body)) @scope
