-- authenticator may read a table itself.
-- expect: publishing.articles
grant select on publishing.articles to authenticator;
