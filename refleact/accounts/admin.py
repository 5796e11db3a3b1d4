from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from refleact.accounts.models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "first_name", "last_name", "is_staff", "is_active")
    list_filter = ("is_staff", "is_superuser", "is_active", "groups")
    # Names and e-mail are sealed: the database cannot search them, only the handle.
    search_fields = ("username",)
    ordering = ("username",)
