-- Revert platform:rls/publishing/comments from pg

begin;

drop policy "moderators write notes" on publishing.comment_moderation;
drop policy "moderators read moderation details" on publishing.comment_moderation;
drop policy "authors edit their comments; moderators moderate" on publishing.comments;
drop policy "users comment on articles they can see" on publishing.comments;
drop policy "users read approved comments, their own, or (moderators) all" on publishing.comments;
drop policy "anyone reads approved comments of visible articles" on publishing.comments;
revoke all on publishing.comments, publishing.comment_moderation from anon, authenticated;

commit;
