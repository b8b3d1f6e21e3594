-- Revert platform:schema/publishing/search_index from pg

begin;

select platform.forget_api_function('publishing_private.search_title_terms(tsvector)');

drop trigger articles_forget_title_words on publishing.articles;
drop trigger articles_collect_new_title_words on publishing.articles;
drop trigger articles_collect_title_words on publishing.articles;
drop function publishing_private.collect_title_words();
drop function publishing_private.title_words_count(text, timestamptz);
drop function publishing_private.title_words(text);
drop table publishing_private.search_words;
drop index publishing.articles_search_title_rum_idx;
drop function publishing_private.search_title_terms(tsvector);
drop index publishing.articles_search_rum_idx;
drop extension rum;

commit;
