-- Revert platform:schema/publishing/storage_buckets from pg

begin;

select platform.forget_bucket('covers');
select platform.forget_bucket('avatars');

commit;
