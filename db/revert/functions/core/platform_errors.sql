-- Revert platform:functions/core/platform_errors from pg

begin;

select platform.forget_api_function('platform.error_body(text, text, text, text)');
select platform.forget_api_function('platform.raise_error(integer, text, text, text, text, json)');
select platform.forget_api_function('platform.error_response(integer, text, text, text, text, json)');
select platform.forget_api_function('platform.raise_timeout(integer)');

drop function platform.error_response(integer, text, text, text, text, json);
drop function platform.raise_timeout(integer);
drop function platform.raise_error(integer, text, text, text, text, json);
drop function platform.error_body(text, text, text, text);

commit;
