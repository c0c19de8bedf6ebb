"""Signing in and out of the pages; the lock and the sign-out live in apps/accounts."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.translation import ngettext

from apps.accounts.backends import signin_locked_seconds
from apps.accounts.services import officer_sign_out

LOCKED = "locked"


class SignInForm(AuthenticationForm):
    def get_invalid_login_error(self) -> ValidationError:
        seconds = signin_locked_seconds(self.request)
        if not seconds:
            return super().get_invalid_login_error()
        minutes = -(-seconds // 60)
        return ValidationError(
            ngettext(
                "Too many failed sign-ins for this account or from this address. "
                "Try again in %(minutes)d minute.",
                "Too many failed sign-ins for this account or from this address. "
                "Try again in %(minutes)d minutes.",
                minutes,
            ),
            code=LOCKED,
            params={"minutes": minutes},
        )


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    redirect_authenticated_user = True

    def form_invalid(self, form: SignInForm) -> HttpResponse:
        response = super().form_invalid(form)
        if form.has_error("__all__", code=LOCKED):
            response.status_code = 429
            response["Retry-After"] = str(signin_locked_seconds(self.request))
        return response


class SignOutView(auth_views.LogoutView):
    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        """End the session and close the sockets it opened."""
        officer_sign_out(request)
        return HttpResponseRedirect(self.get_success_url())
