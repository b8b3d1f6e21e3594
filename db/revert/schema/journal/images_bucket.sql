-- Revert platform:schema/journal/images_bucket from pg
-- (refused while the bucket holds objects: delete them first, their files go with them)

begin;

set local search_path = '';

select platform.forget_bucket('journalimages');
select platform.forget_api_function('journal_private.image_readable(text, text)');
drop function journal_private.image_readable(text, text);

commit;
