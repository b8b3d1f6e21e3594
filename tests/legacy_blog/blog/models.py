# The legacy Django blog's models, copied verbatim from the app (issue 23), kept as a test
# fixture so that Django creates exactly its tables (tests/legacy_blog/make_fixture.py).
# Do not edit: the importer must read what that app writes. Django is a dev dependency only.
"""The existing Django blog, as it runs today on SQLite (the system the publishing module replaces).

Django 5.2, default settings: integer primary keys, PBKDF2 password hashes, SQLite's JSON1 for
JSONField, naive or UTC datetimes depending on USE_TZ, no database-level limits beyond these fields.
"""
from django.contrib.auth.models import AbstractUser
from django.db import models


class CustomUser(AbstractUser):
    USER_TYPES = [("admin", "Admin"), ("normal", "Normal"), ("guest", "Guest")]

    title = models.CharField(max_length=10, blank=True)
    bio = models.TextField(blank=True)
    user_type = models.CharField(max_length=10, choices=USER_TYPES, default="normal")
    avatar = models.FileField(upload_to="avatars/", blank=True)
    preferences = models.JSONField(default=dict, blank=True)
    timezone = models.CharField(max_length=50, blank=True)
    last_active = models.DateTimeField(null=True, blank=True)


class Category(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )

    class Meta:
        verbose_name_plural = "categories"


class Tag(models.Model):
    name = models.CharField(max_length=50, unique=True)
    slug = models.SlugField(max_length=50, unique=True)


class Article(models.Model):
    STATUSES = [("draft", "Draft"), ("published", "Published"), ("archived", "Archived")]

    title = models.CharField(max_length=255)
    slug = models.SlugField(max_length=255, unique=True)
    excerpt = models.TextField(blank=True)
    content = models.TextField()
    image = models.FileField(upload_to="articles/", blank=True)
    read_time = models.PositiveIntegerField(default=0)
    author = models.ForeignKey(CustomUser, on_delete=models.CASCADE, related_name="articles")
    category = models.ForeignKey(
        Category, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")
    status = models.CharField(max_length=20, choices=STATUSES, default="draft")
    views = models.PositiveIntegerField(default=0)
    likes = models.PositiveIntegerField(default=0)
    featured = models.BooleanField(default=False)
    scheduled_publish = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)


class Comment(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(CustomUser, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    content = models.TextField()
    approved = models.BooleanField(default=False)
    is_flagged = models.BooleanField(default=False)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.TextField(blank=True)
    moderation_notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)


class SiteSetting(models.Model):
    key = models.CharField(max_length=100, unique=True)
    value = models.JSONField(default=dict)
