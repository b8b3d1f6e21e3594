"""Unmanaged models over the platform's real tables (schema ``publishing``).

Django never creates or migrates them (``managed = False``): the Sqitch plan owns the
schema. Only the columns the peer reads or writes are mapped; the rest keep their
database defaults. Columns the database fills on insert (identity ids, defaults, and the
trigger-kept ``depth``) are declared with ``db_default``, so Django inserts ``DEFAULT``
and reads them back with ``RETURNING`` in the same statement.
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models.functions import Now


class Profile(models.Model):
    user_id = models.UUIDField(primary_key=True)
    username = models.TextField()  # citext in the database
    display_name = models.TextField()

    class Meta:
        managed = False
        db_table = '"publishing"."profiles"'


class Category(models.Model):
    id = models.BigAutoField(primary_key=True)
    name = models.TextField()
    slug = models.TextField(unique=True)

    class Meta:
        managed = False
        db_table = '"publishing"."categories"'


class Tag(models.Model):
    id = models.BigAutoField(primary_key=True)
    name = models.TextField()
    slug = models.TextField(unique=True)

    class Meta:
        managed = False
        db_table = '"publishing"."tags"'


class ArticleQuerySet(models.QuerySet):
    def visible(self) -> ArticleQuerySet:
        """The platform's rule (publishing.is_visible): published, not deleted, publish
        time passed. now() is the database's, as in the rule."""
        return self.filter(status="published", deleted_at__isnull=True, published_at__lte=Now())

    def newest(self) -> ArticleQuerySet:
        # The order of the index articles_by_published_idx.
        return self.order_by(models.F("published_at").desc(nulls_last=True), "-id")


class Article(models.Model):
    id = models.BigAutoField(primary_key=True)
    title = models.TextField()
    slug = models.TextField(unique=True)
    excerpt = models.TextField(null=True)
    content = models.TextField()
    cover_image_url = models.TextField(null=True)
    reading_minutes = models.IntegerField(null=True)
    status = models.TextField()
    featured = models.BooleanField()
    publish_at = models.DateTimeField(null=True)
    published_at = models.DateTimeField(null=True)
    author = models.ForeignKey(Profile, models.DO_NOTHING, related_name="articles")
    category = models.ForeignKey(Category, models.DO_NOTHING, null=True, related_name="+")
    view_count = models.BigIntegerField()
    like_count = models.IntegerField()
    comment_count = models.IntegerField()
    version = models.IntegerField()
    deleted_at = models.DateTimeField(null=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    search = SearchVectorField(null=True)
    tags = models.ManyToManyField(Tag, through="ArticleTag", related_name="+")

    objects = ArticleQuerySet.as_manager()

    class Meta:
        managed = False
        db_table = '"publishing"."articles"'


class ArticleTag(models.Model):
    pk = models.CompositePrimaryKey("article_id", "tag_id")
    article = models.ForeignKey(Article, models.DO_NOTHING, related_name="+")
    tag = models.ForeignKey(Tag, models.DO_NOTHING, related_name="+")

    class Meta:
        managed = False
        db_table = '"publishing"."article_tags"'


class Comment(models.Model):
    id = models.BigAutoField(primary_key=True)
    article = models.ForeignKey(Article, models.DO_NOTHING, related_name="comments")
    parent = models.ForeignKey("self", models.DO_NOTHING, null=True, related_name="+")
    author = models.ForeignKey(Profile, models.DO_NOTHING, related_name="+")
    body = models.TextField()
    # Filled by the database: depth by the guard trigger (from the parent), status and
    # created_at by column defaults (article_visible_from, unmapped, by a trigger).
    depth = models.SmallIntegerField(db_default=0)
    status = models.TextField(db_default="pending")
    deleted_at = models.DateTimeField(null=True)
    created_at = models.DateTimeField(db_default=Now())

    class Meta:
        managed = False
        db_table = '"publishing"."comments"'
