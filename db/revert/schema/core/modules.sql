-- Revert platform:schema/core/modules from pg

begin;

drop function platform.exposed_schemas();
drop function platform.forget_lint_exception(text, text);
drop function platform.declare_lint_exception(text, text, text, text);
drop function platform.forget_api_function(regprocedure);
drop function platform.declare_api_function(text, regprocedure, text[], text);
drop function platform.unregister_module(text);
drop function platform.register_module(text, text, text[], text);
drop table platform.lint_exceptions;
drop table platform.api_functions;
drop table platform.modules;

commit;
