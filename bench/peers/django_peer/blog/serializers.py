"""Nested DRF serializers: the JSON of each read, shaped like the platform's answers.

The reads use plain ``Serializer`` classes with read-only fields declared once: a
``ModelSerializer`` builds its fields from the model on every instantiation (four times
per list, once per nested serializer), measured 10-35 % of the list's serialization time
here. The write keeps a ``ModelSerializer``: its validation and ``create`` are the point.
"""

from __future__ import annotations

from rest_framework import serializers

from blog.models import Article, Comment

# The article page's columns: all but the search vector and deleted_at (always null on a
# visible article), as publishing.article_pages.
ARTICLE_COLUMNS = [
    "id",
    "title",
    "slug",
    "excerpt",
    "content",
    "cover_image_url",
    "reading_minutes",
    "status",
    "featured",
    "publish_at",
    "published_at",
    "author_id",
    "category_id",
    "view_count",
    "like_count",
    "comment_count",
    "version",
    "created_at",
    "updated_at",
]
CARD_COLUMNS = ["id", "slug", "title", "excerpt", "published_at", "reading_minutes"]
# An author's drafts list, as our frontend asks PostgREST for it.
DRAFT_COLUMNS = ["id", "slug", "title", "excerpt", "status", "updated_at", "version"]


class AuthorSerializer(serializers.Serializer):
    username = serializers.CharField(read_only=True)
    display_name = serializers.CharField(read_only=True)


class CategorySerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    slug = serializers.CharField(read_only=True)


class TagSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True)
    slug = serializers.CharField(read_only=True)


class ArticleCardSerializer(serializers.Serializer):
    """The list: card columns with author, category and tags."""

    id = serializers.IntegerField(read_only=True)
    slug = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    excerpt = serializers.CharField(read_only=True)
    published_at = serializers.DateTimeField(read_only=True)
    reading_minutes = serializers.IntegerField(read_only=True)
    author = AuthorSerializer(read_only=True)
    category = CategorySerializer(read_only=True)
    tags = TagSerializer(many=True, read_only=True, source="tag_list")


class CommentSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    parent_id = serializers.IntegerField(read_only=True)
    depth = serializers.IntegerField(read_only=True)
    body = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class ArticlePageSerializer(serializers.Serializer):
    """The article page: its columns, author, category, tags, approved comments."""

    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(read_only=True)
    slug = serializers.CharField(read_only=True)
    excerpt = serializers.CharField(read_only=True)
    content = serializers.CharField(read_only=True)
    cover_image_url = serializers.CharField(read_only=True)
    reading_minutes = serializers.IntegerField(read_only=True)
    status = serializers.CharField(read_only=True)
    featured = serializers.BooleanField(read_only=True)
    publish_at = serializers.DateTimeField(read_only=True)
    published_at = serializers.DateTimeField(read_only=True)
    author_id = serializers.UUIDField(read_only=True)
    category_id = serializers.IntegerField(read_only=True)
    view_count = serializers.IntegerField(read_only=True)
    like_count = serializers.IntegerField(read_only=True)
    comment_count = serializers.IntegerField(read_only=True)
    version = serializers.IntegerField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)
    author = AuthorSerializer(read_only=True)
    category = CategorySerializer(read_only=True)
    tags = TagSerializer(many=True, read_only=True, source="tag_list")
    comments = CommentSerializer(many=True, read_only=True, source="approved_comments")


class DraftSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    slug = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    excerpt = serializers.CharField(read_only=True)
    status = serializers.CharField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)
    version = serializers.IntegerField(read_only=True)


class SearchAuthorSerializer(AuthorSerializer):
    id = serializers.UUIDField(source="user_id", read_only=True)


class SearchCategorySerializer(CategorySerializer):
    id = serializers.IntegerField(read_only=True)


class SearchHitSerializer(serializers.Serializer):
    """A hit of the ORM's own search, in the shape of publishing.search_articles' rows."""

    id = serializers.IntegerField(read_only=True)
    slug = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    excerpt = serializers.CharField(read_only=True)
    published_at = serializers.DateTimeField(read_only=True)
    reading_minutes = serializers.IntegerField(read_only=True)
    author = SearchAuthorSerializer(read_only=True)
    category = SearchCategorySerializer(read_only=True)
    tags = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="slug", source="tag_list"
    )
    rank = serializers.FloatField(read_only=True)
    title_highlight = serializers.CharField(read_only=True)
    snippet = serializers.CharField(read_only=True)


class CommentCreateSerializer(serializers.ModelSerializer):
    """A reader's new comment: the article must exist and be visible (one query), the
    body 1 to 10,000 characters once trimmed. The database fills id, depth (from the
    parent: its guard trigger also refuses a parent of another article or too deep),
    status and created_at, returned by the same INSERT."""

    article_id = serializers.PrimaryKeyRelatedField(
        source="article", queryset=Article.objects.visible().only("id")
    )
    parent_id = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    body = serializers.CharField(max_length=10_000, trim_whitespace=True)
    author_id = serializers.UUIDField(read_only=True)

    class Meta:
        model = Comment
        fields = (
            "id",
            "article_id",
            "parent_id",
            "author_id",
            "body",
            "depth",
            "status",
            "created_at",
        )
        read_only_fields = ("id", "depth", "status", "created_at")
