-- Revert platform:functions/core/storage_rules from pg

begin;

select platform.forget_api_function('storage_private.ready_object_at(text)');
select platform.forget_api_function('storage_private.may_read_by_rule(text, text)');
select platform.forget_api_function('storage_private.may_write(text, text)');
select platform.forget_api_function('storage_private.run_rule(text, text, text)');
drop function storage_private.ready_object_at(text);
drop function storage_private.may_read_by_rule(text, text);
drop function storage_private.may_write(text, text);
drop function storage_private.run_rule(text, text, text);
drop function platform.forget_bucket(text);
drop function platform.declare_bucket(text, text, boolean, text[], bigint, jsonb, regprocedure, regprocedure);

commit;
