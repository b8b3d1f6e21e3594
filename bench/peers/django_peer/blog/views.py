"""The peer's endpoints: the platform's reads and its comment write, the Django way.

Query counts (checked in docs/benchmarks.md): the list is 2 queries (articles joined to
author and category; tags of the 20), an article page 3 (the article joined to author and
category; its tags; its approved comments), a search by the ORM 2, a search by our
function 1, drafts 1, a comment 2 (the visible article; the INSERT ... RETURNING).
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, Prefetch, QuerySet, TextField, Value
from django.db.models.functions import Coalesce, Concat, Left
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from rest_framework.views import APIView

from blog.auth import PlatformJWTAuthentication
from blog.models import Article, Comment, Tag
from blog.serializers import (
    ARTICLE_COLUMNS,
    CARD_COLUMNS,
    DRAFT_COLUMNS,
    ArticleCardSerializer,
    ArticlePageSerializer,
    CommentCreateSerializer,
    DraftSerializer,
    SearchHitSerializer,
)

PAGE = 20
AUTHOR_CARD = ["author__username", "author__display_name"]
CATEGORY_CARD = ["category__name", "category__slug"]
# Prefetches land in plain lists (to_attr): the serializers read a list instead of
# building a related manager and a queryset per article to reach the prefetched rows.
TAGS = Prefetch("tags", queryset=Tag.objects.only("name", "slug"), to_attr="tag_list")
PAGE_TAGS = Prefetch(
    "tags", queryset=Tag.objects.only("name", "slug").order_by("name"), to_attr="tag_list"
)
TAG_SLUGS = Prefetch("tags", queryset=Tag.objects.only("slug"), to_attr="tag_list")
# Oldest first; article_id is the key the prefetch joins on (without it, Django would
# fetch it again per comment).
APPROVED_COMMENTS = Prefetch(
    "comments",
    queryset=Comment.objects.filter(status="approved", deleted_at__isnull=True)
    .order_by("created_at", "id")
    .only("id", "article_id", "parent_id", "depth", "body", "status", "created_at"),
    to_attr="approved_comments",
)
BREAK = Value("\n\n", output_field=TextField())
EMPTY = Value("", output_field=TextField())
MARKS = {"start_sel": "<mark>", "stop_sel": "</mark>"}


class ArticleList(generics.ListAPIView):
    """The 20 newest visible articles with author, category and tags: 2 queries."""

    serializer_class = ArticleCardSerializer

    def get_queryset(self) -> QuerySet[Article]:
        return (
            Article.objects.visible()
            .newest()
            .select_related("author", "category")
            .only(*CARD_COLUMNS, "author", "category", *AUTHOR_CARD, *CATEGORY_CARD)
            .prefetch_related(TAGS)[:PAGE]
        )


class ArticlePage(generics.RetrieveAPIView):
    """A visible article by slug, with author, category, tags, approved comments: 3 queries."""

    serializer_class = ArticlePageSerializer
    lookup_field = "slug"

    def get_queryset(self) -> QuerySet[Article]:
        return (
            Article.objects.visible()
            .select_related("author", "category")
            .only(*ARTICLE_COLUMNS, "author", "category", *AUTHOR_CARD, *CATEGORY_CARD)
            .prefetch_related(PAGE_TAGS, APPROVED_COMMENTS)
        )


def search_words(request: Request) -> str:
    q = request.query_params.get("q", "").strip()
    if not 1 <= len(q) <= 200:
        raise ValidationError({"q": "1 to 200 characters"})
    return q


class OrmSearch(APIView):
    """The ORM's own full-text search: websearch syntax, ts_rank over the stored vector,
    visible articles only, top 20, with highlights built for those 20 (2 queries)."""

    def get(self, request: Request) -> Response:
        query = SearchQuery(search_words(request), search_type="websearch", config="english")
        text = Left(Concat(Coalesce(Concat("excerpt", BREAK), EMPTY), "content"), 20_000)
        hits = (
            Article.objects.visible()
            .filter(search=query)
            .select_related("author", "category")
            .only(
                *CARD_COLUMNS,
                "author",
                "category",
                "author__username",
                "author__display_name",
                "category__name",
                "category__slug",
            )
            .annotate(
                rank=SearchRank(F("search"), query),
                title_highlight=SearchHeadline(
                    "title", query, config="english", highlight_all=True, **MARKS
                ),
                snippet=SearchHeadline(
                    text,
                    query,
                    config="english",
                    max_words=35,
                    min_words=15,
                    max_fragments=2,
                    fragment_delimiter=" … ",
                    **MARKS,
                ),
            )
            .order_by("-rank", F("published_at").desc(nulls_last=True), "-id")
            .prefetch_related(TAG_SLUGS)[:PAGE]
        )
        return Response(SearchHitSerializer(hits, many=True).data)


class FunctionSearch(APIView):
    """The platform's search function through a raw query (1 query): the same ids as
    GET /rpc/search_articles."""

    JSON_COLUMNS = ("author", "category", "tags")

    def get(self, request: Request) -> Response:
        with connection.cursor() as cursor:
            cursor.execute("select * from publishing.search_articles(%s)", [search_words(request)])
            names = [column.name for column in cursor.description]
            rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        # Django's psycopg adapters hand jsonb over as text (its JSONField decodes it).
        for row in rows:
            for name in self.JSON_COLUMNS:
                if row[name] is not None:
                    row[name] = json.loads(row[name])
        return Response(rows)


class MyDrafts(generics.ListAPIView):
    """The signed-in author's drafts (not deleted), most recently updated first (index
    articles_status_idx): 1 query."""

    serializer_class = DraftSerializer
    authentication_classes = (PlatformJWTAuthentication,)
    permission_classes = (IsAuthenticated,)

    def get_queryset(self) -> QuerySet[Article]:
        return (
            Article.objects.filter(
                author_id=self.request.user.id, status="draft", deleted_at__isnull=True
            )
            .only(*DRAFT_COLUMNS)
            .order_by("-updated_at", "-id")[:PAGE]
        )


class CommentCreate(generics.CreateAPIView):
    """A signed-in reader comments on a visible article: 201 with the new comment."""

    serializer_class = CommentCreateSerializer
    authentication_classes = (PlatformJWTAuthentication,)
    permission_classes = (IsAuthenticated,)

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        serializer.save(author_id=self.request.user.id)
