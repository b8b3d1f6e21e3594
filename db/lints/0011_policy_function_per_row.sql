/*
Lint policy_function_per_row: a policy calls a function (auth.uid(), auth.has_privilege(),
a module's helper...) that does not depend on the row, outside a sub-select: it runs once
per row checked instead of once per statement.

Why: `using (author_id = auth.uid())` evaluates auth.uid() for every row the scan meets,
and hides the value from the planner (no index condition on author_id). Written
`(select auth.uid())`, it becomes an init-plan: evaluated once, compared like a constant,
usable by an index. On a list of 100,000 rows the difference is seconds.

Fix: wrap the call: `author_id = (select auth.uid())`, `(select auth.has_privilege('editor'))`.

A function of the row itself (`publishing.is_visible(articles)`) is not reported: it
must run per row (keep it an inlinable SQL function).

How it finds them: in the stored policy expression, a call written as a function call
(not a cast) of a function that is neither immutable nor now(), with no column of the
table among its arguments, not inside a sub-select.
*/
with scope as (
  select n.oid from pg_namespace n
   where n.nspname not in ('pg_catalog', 'information_schema', 'pg_toast', 'tests', 'sqitch')
     and n.nspname !~ '^pg_(toast_)?temp_'
),
expression as (
  select p.oid, p.polname, p.polrelid, x.clause, x.tree::text as tree
    from pg_policy p
    join pg_class c on c.oid = p.polrelid
    join scope s on s.oid = c.relnamespace
   cross join lateral (values ('using', p.polqual), ('with check', p.polwithcheck)) as x (clause, tree)
   where x.tree is not null
),
-- The node tree cut before every brace; depth after each piece.
piece as (
  select e.oid, e.clause, t.n, t.piece,
         pg_catalog.sum(case when pg_catalog.left(t.piece, 1) = '{' then 1 else -1 end)
           over (partition by e.oid, e.clause order by t.n) as depth
    from expression e
   cross join regexp_split_to_table(e.tree, '(?=[{}])') with ordinality as t (piece, n)
   where t.piece <> ''
),
-- Every node with the piece that closes it.
node as (
  select o.oid, o.clause, o.n as first, o.piece,
         (select pg_catalog.min(c.n) from piece c
           where c.oid = o.oid and c.clause = o.clause and c.n > o.n
             and pg_catalog.left(c.piece, 1) = '}' and c.depth = o.depth - 1) as last
    from piece o
   where pg_catalog.left(o.piece, 1) = '{'
),
call as (
  select f.oid, f.clause, (pg_catalog.regexp_match(f.piece, ':funcid (\d+)'))[1]::oid as funcid
    from node f
   where f.piece ~ '^\{FUNCEXPR .*:funcformat 0 '
     and not exists (select from node s
                      where s.oid = f.oid and s.clause = f.clause and s.piece like '{SUBLINK %'
                        and f.first between s.first and s.last)
     and not exists (select from node v
                      where v.oid = f.oid and v.clause = f.clause and v.piece like '{VAR %'
                        and v.first between f.first and f.last)
)
select pg_catalog.format('%I on %s', e.polname, e.polrelid::regclass) as object,
       pg_catalog.format('%s calls %s per row', call.clause,
         pg_catalog.string_agg(distinct call.funcid::regprocedure::text, ', ')) as detail
  from call
  join expression e on e.oid = call.oid and e.clause = call.clause
  join pg_proc f on f.oid = call.funcid
 where f.provolatile <> 'i'
   -- now() is the transaction's start: a constant the planner already compares like one
   and call.funcid <> 'pg_catalog.now()'::regprocedure
 group by e.polname, e.polrelid, call.clause
