"""Web UI routes: login/logout, the use-case wizard, result pages, comparison, PDF."""
from django.contrib.auth import views as auth_views
from django.urls import path

from . import views, wizard

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", views.home, name="home"),
    path("new/", wizard.wizard_start, name="wizard-start"),
    path("new/<slug:wizard_id>/", wizard.UseCaseWizard.as_view(), name="wizard"),
    path("use-cases/<int:pk>/", views.use_case_detail, name="use-case"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/report.pdf", views.proposal_pdf, name="proposal-pdf"),
    path("compare/", views.compare, name="compare"),
]
