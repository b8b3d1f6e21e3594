from __future__ import annotations

from django.urls import path

from blog import views

urlpatterns = [
    path("articles", views.ArticleList.as_view()),
    path("articles/<slug:slug>", views.ArticlePage.as_view()),
    path("search", views.OrmSearch.as_view()),
    path("search_articles", views.FunctionSearch.as_view()),
    path("drafts", views.MyDrafts.as_view()),
    path("comments", views.CommentCreate.as_view()),
]
