-- Revert platform:schema/journal/authors from pg

begin;

set local search_path = '';

drop trigger users_journal_author on auth.users;
drop function journal_private.create_author();
select audit.disable('journal.authors');
drop table journal.authors;
drop function journal_private.check_author();
select platform.forget_api_function('journal_private.public_image_owned(text, uuid)');
drop function journal_private.public_image_owned(text, uuid);

commit;
