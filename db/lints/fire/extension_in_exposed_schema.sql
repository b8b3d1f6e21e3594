-- An extension installed in an exposed schema.
-- expect: extension tablefunc
create extension tablefunc schema publishing;
