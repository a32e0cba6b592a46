"""Web UI routes: login/logout, the use-case wizard (new and edit), duplicate/delete, result pages,
comparison, PDF."""
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
    path("use-cases/<int:pk>/edit/", wizard.wizard_edit, name="use-case-edit"),
    path("use-cases/<int:pk>/duplicate/", views.use_case_duplicate, name="use-case-duplicate"),
    path("use-cases/<int:pk>/delete/", views.use_case_delete, name="use-case-delete"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/report.pdf", views.proposal_pdf, name="proposal-pdf"),
    path("compare/", views.compare, name="compare"),
]
