-- Revert platform:functions/publishing/audit from pg

begin;

select audit.disable('publishing.site_settings');
select audit.disable('publishing.article_likes');
select audit.disable('publishing.comment_moderation');
select audit.disable('publishing.comments');
select audit.disable('publishing.profiles');
select audit.disable('publishing.tags');
select audit.disable('publishing.categories');
select audit.disable('publishing.article_revisions');
select audit.disable('publishing.article_tags');
select audit.disable('publishing.article_authors');
select audit.disable('publishing.articles');

commit;
