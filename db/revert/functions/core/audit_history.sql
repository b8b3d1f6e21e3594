-- Revert platform:functions/core/audit_history from pg

begin;

drop function audit.history(regclass, jsonb);
drop function audit.record_key(name, name, jsonb);

commit;
