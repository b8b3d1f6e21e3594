-- Revert platform:functions/publishing_moderation from pg

begin;

drop function publishing.moderate_comment(bigint, text, text);

commit;
