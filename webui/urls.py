"""Web UI routes (placeholder until the web UI work lands)."""
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import path

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("", lambda request: HttpResponse("AI storage advisor"), name="home"),
]
