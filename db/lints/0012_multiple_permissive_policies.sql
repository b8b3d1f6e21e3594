/*
Lint multiple_permissive_policies: a table has more than one permissive policy for the
same role and command.

Why: PostgreSQL ORs permissive policies, evaluating each of them for every row; two
policies for one role and command cost twice, and the rule a reader must check is spread
over several places (a policy `to public` or `for all` also counts for each role and
command it covers).

Fix: merge them into one policy per role and command: `using (a or b)`, the cheap
condition first. A restrictive policy (`as restrictive`) is ANDed and not counted.
*/
with scope as (
  select n.oid from pg_namespace n
   where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast', 'tests', 'sqitch')
     and n.nspname !~ '^pg_(toast_)?temp_'
),
rule as (
  select p.polrelid, p.polname, r.rolname, cmd.command
    from pg_policy p
    join pg_class c on c.oid = p.polrelid
    join scope s on s.oid = c.relnamespace
   cross join lateral (
     select rr.rolname from pg_roles rr
      where rr.oid = any (p.polroles)
         or (0::oid = any (p.polroles) and rr.rolname in ('anon', 'authenticated'))
   ) as r
   cross join lateral (
     select x from unnest(case p.polcmd when 'r' then array['select'] when 'a' then array['insert']
                                          when 'w' then array['update'] when 'd' then array['delete']
                                          else array['select', 'insert', 'update', 'delete'] end) x
   ) as cmd (command)
   where p.polpermissive
)
select rule.polrelid::regclass::text as object,
       pg_catalog.format('%s %s: %s', rule.rolname, rule.command,
         pg_catalog.string_agg(pg_catalog.quote_ident(rule.polname), ', ' order by rule.polname)) as detail
  from rule
 group by rule.polrelid, rule.rolname, rule.command
having pg_catalog.count(*) > 1
