-- The generic audit trigger: what it records, what it leaves out, who can touch it.
begin;
select plan(11);

create table public.gadgets (id int primary key, name text, secret text);
grant select, insert, update, delete on public.gadgets to authenticated;
select audit.enable('public.gadgets', '{secret}');

select tests.act_as(tests.create_user('audrey'));
insert into public.gadgets values (1, 'lamp', 's3cret');
update public.gadgets set name = 'lantern' where id = 1;
update public.gadgets set name = 'lantern' where id = 1;
delete from public.gadgets where id = 1;
select tests.act_as_owner();

select results_eq($$ select operation from audit.log where table_name = 'gadgets' order by id $$,
  array['INSERT', 'UPDATE', 'DELETE'], 'insert, update and delete are recorded in order; a no-op update is not');
select is((select record_pk from audit.log where table_name = 'gadgets' and operation = 'UPDATE'),
  '{"id": 1}'::jsonb, 'the primary key is recorded');
select is((select old_record ->> 'name' || '>' || (new_record ->> 'name') from audit.log
            where table_name = 'gadgets' and operation = 'UPDATE'), 'lamp>lantern', 'old and new rows are recorded');
select is((select changed_columns from audit.log where table_name = 'gadgets' and operation = 'UPDATE'),
  array['name'], 'an update records which columns changed');
select ok((select bool_and(not coalesce(new_record ? 'secret', false) and not coalesce(old_record ? 'secret', false))
             from audit.log where table_name = 'gadgets'), 'excluded columns never reach the log');
select is((select actor_id from audit.log where table_name = 'gadgets' limit 1),
  (select id from auth.users where username::text = 'audrey'), 'the acting user is recorded');
select is((select actor_role from audit.log where table_name = 'gadgets' limit 1), 'authenticated',
  'the acting role is recorded');
select ok((select bool_and(transaction_id = pg_current_xact_id() and statement_at is not null)
             from audit.log where table_name = 'gadgets'), 'transaction id and statement time are recorded');

select throws_ok($$ update audit.log set actor_role = 'x' $$, '42501', null,
  'audit rows cannot be changed, even by their owner');
select tests.act_as(tests.create_user('mallory', '{admin}'));
select throws_ok($$ delete from audit.log $$, '42501', null, 'audit rows cannot be deleted through the API');
select tests.act_as_owner();

select ok((select password_hash is not null from auth.users where username::text = 'audrey')
          and not exists (select from audit.log where table_name = 'users' and new_record ? 'password_hash'),
  'account rows are audited without their password hash');

select * from finish();
rollback;
