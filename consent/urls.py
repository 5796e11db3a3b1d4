from django.urls import path

from consent import views

app_name = "consent"

urlpatterns = [
    path("", views.policy_page, name="policy"),
    path("versie/<int:version>/", views.policy_version_page, name="policy_version"),
    path("gegevens/", views.transparency_page, name="transparency"),
]
