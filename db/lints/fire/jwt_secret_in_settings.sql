-- The JWT secret in a role setting (as PostgREST's in-database configuration would put it).
-- expect: role authenticator setting pgrst.jwt_secret
do $$
begin
  execute pg_catalog.format('alter role authenticator set pgrst.jwt_secret = %L',
    (select c.jwt_secret from auth.config c));
end
$$;
