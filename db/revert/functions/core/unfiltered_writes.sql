-- Revert platform:functions/core/unfiltered_writes from pg

begin;

drop function platform.allow_unfiltered_writes(regclass);
drop function platform.refuse_unfiltered_writes(regclass);
drop function platform.refuse_unfiltered_write();

commit;
