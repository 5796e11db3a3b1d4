"""The owner's register of processing (GDPR art. 30): a page and a PDF."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseNotAllowed
from django.template.response import TemplateResponse

from consent import register


def _owner_only(request) -> None:
    if not getattr(request.user, "is_owner", False):
        raise PermissionDenied


def register_view(admin_site, request):
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    _owner_only(request)
    context = {**admin_site.each_context(request), **register.register_context()}
    return TemplateResponse(request, "consent/register_admin.html", context)


def register_pdf_view(admin_site, request):
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    _owner_only(request)
    response = HttpResponse(register.register_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="register-art30.pdf"'
    return response
