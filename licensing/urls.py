from django.urls import include, path

from . import views

app_name = "licensing"
urlpatterns: list = [
    path("talent/", views.talent_dashboard, name="talent_dashboard"),
    path("talent/earnings.csv", views.talent_earnings_csv, name="talent_earnings_csv"),
    path("talent/statements/<int:year>-<int:month>/", views.talent_statement, name="talent_statement"),
    path("talent/consents/", views.talent_consents, name="talent_consents"),
    path("talent/consents/<int:grant_id>/", views.talent_consent_detail, name="talent_consent_detail"),
    path("talent/consents/<int:grant_id>/sign/", views.talent_consent_sign, name="talent_consent_sign"),
    path("talent/consents/<int:grant_id>/revoke/", views.talent_consent_revoke, name="talent_consent_revoke"),
    path("agency/", views.agency_dashboard, name="agency_dashboard"),
    path("agency/talents/<int:talent_id>/", views.agency_talent, name="agency_talent"),
    path("consents/propose/", views.consent_propose, name="consent_propose"),
    path("consents/<int:grant_id>/", views.consent_proposal, name="consent_proposal"),
    path("consents/<int:grant_id>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("consents/<int:grant_id>/amend/", views.consent_amend, name="consent_amend"),
    # The showcase engineer includes licensing.showcase.urls below.
    path("showcase/", include("licensing.showcase.urls")),
]
