-- Revert platform:functions/publishing/moderation from pg

begin;

select platform.forget_api_function('publishing.moderate_comment(bigint, text, text)');

drop function publishing.moderate_comment(bigint, text, text);

commit;
