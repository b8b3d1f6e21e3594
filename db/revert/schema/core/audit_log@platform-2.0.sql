-- Revert platform:schema/core/audit_log from pg

begin;

drop function audit.disable(regclass);
drop function audit.enable(regclass, text[], text[]);
drop function audit.capture();
drop table audit.log;
drop function audit.refuse_change();

commit;
