-- Revert platform:schema/publishing/article_cards from pg

begin;

drop view publishing.article_cards;

commit;
