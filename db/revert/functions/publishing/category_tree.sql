-- Revert platform:functions/publishing/category_tree from pg

begin;

select platform.forget_api_function('publishing_private.category_subtree(bigint, jsonb)');
select platform.forget_api_function('publishing.category_tree()');

drop function publishing.category_tree();
drop function publishing_private.category_subtree(bigint, jsonb);
revoke usage on schema publishing_private from anon, authenticated;

commit;
