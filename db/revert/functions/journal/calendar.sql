-- Revert platform:functions/journal/calendar from pg

begin;

select platform.forget_api_function('journal.calendar(text)');
drop function journal.calendar(text);

commit;
