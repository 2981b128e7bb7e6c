"""`lianggang round`: the yearly collection rounds from the command line — list them, see one
round's progress, open, close and reopen one (as the committee office's officer does on the
pages)."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import IO, Any

from .common import cli_user
from .registry import command

ACTIONS = ("list", "status", "open", "close", "reopen")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=ACTIONS)
    parser.add_argument("year", type=int, nargs="?", help="the data year (all but list)")
    parser.add_argument(
        "--closes-on", type=_date, help="open: the deadline of the departments (YYYY-MM-DD)"
    )
    parser.add_argument("--opens-on", type=_date, help="open: the first day (default today)")
    parser.add_argument(
        "--late", action="store_true", help="status: list the submissions not yet approved"
    )
    parser.add_argument("--user", default="", help="act as this user (default: the only admin)")


@command(
    "round",
    help="the yearly collection rounds: list, status, open, close, reopen",
    configure=_configure,
)
def _cmd_round(ns: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from django.utils.translation import gettext as _

    from lianggang.collection.errors import CollectionError
    from lianggang.collection.models import Round

    user = cli_user(ns.user, err)
    if user is None:
        return 2
    if ns.action == "list":
        return _list(user, out)
    if ns.year is None:
        err.write(
            _("Name the data year: lianggang round %(action)s YEAR.\n") % {"action": ns.action}
        )
        return 2
    rnd = Round.objects.filter(year=ns.year).first()
    try:
        if ns.action == "open":
            return _open(user, ns, rnd, out, err)
        if rnd is None:
            err.write(_("There is no round for %(year)s.\n") % {"year": ns.year})
            return 2
        if ns.action == "status":
            return _status(user, rnd, ns.late, out)
        if ns.action == "close":
            from lianggang.collection.services import round_close

            round_close(actor=user, round_id=rnd.pk)
            out.write(_("The %(year)s round is closed.\n") % {"year": rnd.year})
            return 0
        from lianggang.collection.services import round_reopen

        round_reopen(actor=user, round_id=rnd.pk)
        out.write(_("The %(year)s round is open again.\n") % {"year": rnd.year})
        return 0
    except CollectionError as exc:
        err.write(f"{exc}\n")
        return 1


def _open(user: Any, ns: argparse.Namespace, rnd: Any, out: IO[str], err: IO[str]) -> int:
    from django.utils.translation import gettext as _

    from lianggang.collection.access import submissions_visible_to
    from lianggang.collection.services import round_open

    if ns.closes_on is None:
        err.write(_("Give the departments' deadline with --closes-on YYYY-MM-DD.\n"))
        return 2
    rnd = round_open(actor=user, year=ns.year, closes_on=ns.closes_on, opens_on=ns.opens_on)
    count = submissions_visible_to(user).filter(round=rnd).count()
    out.write(
        _("The %(year)s round is open until %(closes)s: %(count)d submissions to fill.\n")
        % {"year": rnd.year, "closes": rnd.closes_on.isoformat(), "count": count}
    )
    return 0


def _list(user: Any, out: IO[str]) -> int:
    from django.db.models import Count, Q
    from django.utils.translation import gettext as _

    from lianggang.collection.access import submissions_visible_to
    from lianggang.collection.models import Round, SubmissionState

    counts = {
        row["round"]: (row["approved"], row["total"])
        for row in submissions_visible_to(user)
        .values("round")
        .annotate(total=Count("pk"), approved=Count("pk", filter=Q(state=SubmissionState.APPROVED)))
    }
    rounds = list(Round.objects.order_by("-year"))
    if not rounds:
        out.write(_("No round has been opened yet.\n"))
        return 0
    out.write(
        "\t".join((_("Year"), _("State"), _("Opens"), _("Deadline"), _("Approved"), "")) + "\n"
    )
    for rnd in rounds:
        approved, total = counts.get(rnd.pk, (0, 0))
        out.write(
            "\t".join(
                (
                    str(rnd.year),
                    str(rnd.get_state_display()),
                    rnd.opens_on.isoformat() if rnd.opens_on else "",
                    rnd.closes_on.isoformat() if rnd.closes_on else "",
                    f"{approved}/{total}",
                    _("synthetic demo data") if rnd.is_demo else "",
                )
            ).rstrip("\t")
            + "\n"
        )
    return 0


def _status(user: Any, rnd: Any, late: bool, out: IO[str]) -> int:
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from lianggang.collection.access import submissions_visible_to
    from lianggang.collection.models import SubmissionState

    states = list(SubmissionState)
    submissions = list(
        submissions_visible_to(user)
        .filter(round=rnd)
        .select_related("data_set", "orgunit")
        .order_by("data_set__code", "orgunit__level", "orgunit__code")
    )
    out.write(
        _("%(year)s round: %(state)s, deadline %(closes)s.\n")
        % {
            "year": rnd.year,
            "state": rnd.get_state_display(),
            "closes": rnd.closes_on.isoformat() if rnd.closes_on else "—",
        }
    )
    out.write("\t".join([_("Data set"), *(str(s.label) for s in states), _("Total")]) + "\n")
    totals = dict.fromkeys(states, 0)
    by_set: dict[str, dict[SubmissionState, int]] = {}
    names: dict[str, str] = {}
    for s in submissions:
        names[s.data_set.code] = s.data_set.name
        row = by_set.setdefault(s.data_set.code, dict.fromkeys(states, 0))
        row[SubmissionState(s.state)] += 1
        totals[SubmissionState(s.state)] += 1
    for code, row in by_set.items():
        out.write(
            "\t".join([names[code], *(str(row[s]) for s in states), str(sum(row.values()))]) + "\n"
        )
    out.write(
        "\t".join([_("All"), *(str(totals[s]) for s in states), str(len(submissions))]) + "\n"
    )
    pending = [s for s in submissions if s.state != SubmissionState.APPROVED]
    overdue = rnd.closes_on is not None and timezone.localdate() > rnd.closes_on
    if late and pending:
        out.write(
            (_("Not yet approved, past the deadline:") if overdue else _("Not yet approved:"))
            + "\n"
        )
        for s in pending:
            out.write(f"  {s.orgunit.name}\t{s.data_set.name}\t{s.get_state_display()}\n")
    return 0
