-- Verify platform:schema/journal/images_bucket on pg

begin;

select 1 / count(*) from storage.buckets
 where id = 'journalimages' and module = 'journal' and not public
   and authorize_read = 'journal_private.image_readable(text,text)';
select 1 / pg_catalog.has_function_privilege('anon', 'journal_private.image_readable(text, text)', 'execute')::int;

rollback;
