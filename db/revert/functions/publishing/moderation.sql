-- Revert platform:functions/publishing/moderation from pg

begin;

drop function publishing.moderate_comment(bigint, text, text);

commit;
