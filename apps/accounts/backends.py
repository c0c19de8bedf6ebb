"""Django's model backend behind the sign-in lock (apps/accounts/signin.py).

Every way in that checks a password goes through `authenticate()`: the sign-in
page, the token endpoint, the admin's login. So the lock is kept here, once.
"""

from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

from .signin import LOCKED_ATTR, signin_failed, signin_locked_for, signin_succeeded


class ThrottledModelBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        address = request.META.get("REMOTE_ADDR", "") if request is not None else ""
        locked = signin_locked_for(username=username, address=address)
        if locked:
            if request is not None:
                setattr(request, LOCKED_ATTR, locked)
            raise PermissionDenied  # stops authenticate() before any other backend
        officer = super().authenticate(request, username=username, password=password, **kwargs)
        if officer is None:
            signin_failed(username=username, address=address)
        else:
            signin_succeeded(username=username, address=address)
        return officer

    async def aauthenticate(self, request, username=None, password=None, **kwargs):
        # ModelBackend has its own async path, which would skip the lock.
        return await sync_to_async(self.authenticate)(
            request, username=username, password=password, **kwargs
        )


def signin_locked_seconds(request) -> int:
    """Seconds the last authenticate() on `request` was refused for; 0 if it was not."""
    return getattr(request, LOCKED_ATTR, 0)
