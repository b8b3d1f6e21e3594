-- Revert platform:functions/core/auth_cookies from pg
-- A revert really reverts: drop exactly what the deploy created.

begin;

set local lock_timeout = '5s';

drop function auth.expire_session_cookies();
drop function auth.deliver_tokens(json, text);
drop function auth.add_response_headers(jsonb);
drop function auth.session_mode();
select platform.forget_api_function('auth.request_claims(text, jsonb, jsonb)');
drop function auth.request_claims(text, jsonb, jsonb);
drop function auth.check_csrf(uuid, jsonb, jsonb);
drop function auth.check_origin(text, boolean);
select platform.forget_api_function('auth.check_session(jsonb)');
drop function auth.check_session(jsonb);
drop function auth.csrf_token(uuid, text);
drop function auth.verify_token(text);
drop function auth.same_secret(text, text, text);
drop function auth.request_address();
drop function auth.request_header(text);
drop function auth.base64url_decode(text);

commit;
