-- Revert platform:schema/publishing_article_cards from pg

begin;

drop view publishing.article_cards;

commit;
