-- Deploy platform:functions/publishing/audit to pg
-- requires: schema/publishing/comments
-- requires: schema/publishing/engagement
-- requires: schema/core/audit_log
--
-- Audit (audit.enable) on every table of the publishing module except the
-- raw view log (itself a log) and its partitions; the search vector is left
-- out, and the copies of an article's visibility (article_visible_from) are
-- derived columns: a change to them alone is not logged. Change events are
-- enabled in functions/publishing/realtime.

begin;

set local search_path = '';

select audit.enable('publishing.articles', '{search}');
select audit.enable('publishing.article_authors');
select audit.enable('publishing.article_tags', '{}', '{article_visible_from}');
select audit.enable('publishing.article_revisions');
select audit.enable('publishing.categories');
select audit.enable('publishing.tags');
select audit.enable('publishing.profiles');
select audit.enable('publishing.comments', '{}', '{article_visible_from}');
select audit.enable('publishing.comment_moderation');
select audit.enable('publishing.article_likes');
select audit.enable('publishing.site_settings');

commit;
