from typing import Any

from django.http import HttpRequest

from lianggang.accounts.models import Role
from lianggang.accounts.selectors import user_scope
from lianggang.analytics.rebuilds import rebuild_in_progress
from lianggang.collection.access import Action, notifications_of, role_allows
from lianggang.collection.selectors import data_is_demo
from lianggang.demo.label import DEMO_LABEL
from lianggang.ledger.access import ledger_may_use

# The menu's entries for the signed-in user, kept in the session: read once per sign-in, not on
# every page (the figures pages are served from the cache with a fixed number of queries). A
# changed role shows in the menu at the next sign-in; the pages check the role on each request.
MENU_SESSION_KEY = "lianggang_menu"


def _menu(request: HttpRequest) -> dict[str, bool]:
    kept = request.session.get(MENU_SESSION_KEY)
    if isinstance(kept, dict) and kept.get("user") == request.user.pk:
        return {k: bool(v) for k, v in kept.items() if k != "user"}
    scope = user_scope(request.user)
    menu = {
        "menu_collection": role_allows(scope, Action.EDIT) or role_allows(scope, Action.REVIEW),
        "menu_ledger": ledger_may_use(request.user),
        "home_is_todo": scope.role == Role.CLERK,
        "menu_people": scope.role == Role.ADMIN,
    }
    request.session[MENU_SESSION_KEY] = {"user": request.user.pk, **menu}
    return menu


def site(request: HttpRequest) -> dict[str, Any]:
    """Put the demo flag on every page (synthetic data is labelled wherever it shows), and what
    the header's menu offers the user's role. Hiding an entry is not access control: the
    pages keep their own checks."""
    unread = 0
    menu = {
        "menu_collection": False,
        "menu_ledger": False,
        "home_is_todo": False,
        "menu_people": False,
    }
    if request.user.is_authenticated:
        unread = notifications_of(request.user).filter(read_at=None).count()
        menu = _menu(request)
    return {
        # A background rebuild under way (a target or formula edited): one small query.
        "figures_rebuild": rebuild_in_progress(),
        "is_demo": data_is_demo(),
        "demo_label": DEMO_LABEL,
        "unread_notifications": unread,
        **menu,
    }
