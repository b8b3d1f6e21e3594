-- Revert platform:schema/journal/schemas from pg
-- Unregistering also forgets the module's declared API functions and lint exceptions.

begin;

select platform.unregister_module('journal');
drop schema journal_private;
drop schema journal;

commit;
