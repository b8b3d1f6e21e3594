-- Revert platform:functions/core/monitoring from pg

begin;

drop function monitoring.statements_status();
drop function monitoring.statements(integer);
drop function monitoring.table_bloat(integer);
drop function monitoring.unused_indexes(bigint, integer);
drop function monitoring.seq_scans(bigint, integer);
drop function monitoring.tables(integer);
drop function monitoring.archiver();
drop function monitoring.replication();
drop function monitoring.database();
drop function monitoring.connections();
drop function monitoring.activity();

commit;
