"""The portal's URLs. Public ones are listed in refleact/publicpages.py."""

from django.urls import path

from portal.views import auth, downloads, pages, secondfactor

app_name = "portal"

urlpatterns = [
    path("", pages.home_view, name="home"),
    path("inloggen/", auth.login_view, name="login"),
    path("inloggen/code/", secondfactor.login_code_view, name="login_code"),
    path("uitloggen/", auth.logout_view, name="logout"),
    path("uitloggen/overal/", auth.logout_everywhere_view, name="logout_everywhere"),
    path("uitnodiging/<str:token>/", auth.invitation_view, name="invitation"),
    path("wachtwoord/", auth.reset_request_view, name="reset_request"),
    path("wachtwoord/<str:token>/", auth.reset_confirm_view, name="reset_confirm"),
    path("e-mail/<str:token>/", auth.email_confirm_view, name="email_confirm"),
    path("taal/", auth.language_view, name="language"),
    path("gegevens/", pages.data_view, name="data"),
    path("gegevens/profiel/", pages.profile_view, name="profile"),
    path("gegevens/download.<str:fmt>", downloads.export_view, name="export"),
    path("dossier/", pages.dossier_view, name="dossier"),
    path("dossier/<uuid:pk>/bijlage/", downloads.attachment_view, name="attachment"),
    path("afspraken/", pages.appointments_view, name="appointments"),
    path("afspraken/refleact.ics", downloads.calendar_view, name="calendar"),
    path("evaluaties/", pages.evaluations_view, name="evaluations"),
    path("evaluaties/<uuid:pk>/", pages.evaluation_view, name="evaluation"),
    path("offertes/", pages.quotes_view, name="quotes"),
    path("offertes/<uuid:pk>/akkoord/", pages.quote_accept_view, name="quote_accept"),
    path("toestemming/", pages.consents_view, name="consents"),
    path("toestemming/contact/", pages.consent_contact_view, name="consent_contact"),
    path(
        "toestemming/<uuid:pk>/",
        pages.consent_occasion_view,
        name="consent_occasion",
    ),
    path(
        "toestemming/bewijs/<uuid:receipt_id>.<str:fmt>",
        downloads.receipt_view,
        name="receipt",
    ),
    path("meldingen/", pages.notices_view, name="notices"),
    path(
        "meldingen/datalek/<str:pk>.pdf",
        downloads.breach_notice_view,
        name="breach_notice_pdf",
    ),
    path("verzoeken/", pages.requests_view, name="requests"),
    path("verzoeken/<uuid:pk>/", pages.request_view, name="request"),
    path("account/", pages.account_view, name="account"),
    path(
        "account/tweede-stap/",
        secondfactor.second_factor_setup_view,
        name="second_factor_setup",
    ),
    path(
        "account/tweede-stap/uit/",
        secondfactor.second_factor_off_view,
        name="second_factor_off",
    ),
    path(
        "account/tweede-stap/nieuwe-codes/",
        secondfactor.recovery_codes_new_view,
        name="recovery_codes_new",
    ),
]
