"""The review queue: batch approval and return, reminders (催报), and the round page's filters,
order, past rounds and return reason."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils import timezone

from lianggang.accounts.models import Role
from lianggang.collection import services
from lianggang.collection.errors import CollectionError, ErrorCode, Forbidden, NotFound
from lianggang.collection.models import (
    Notification,
    NotificationKind,
    Round,
    Submission,
    SubmissionEvent,
    SubmissionState,
)
from lianggang.collection.review import (
    mail_configured,
    submissions_batch_approve,
    submissions_batch_return,
    submissions_remind,
)
from lianggang.collection.services import Entry, datavalues_save, round_open
from tests.factories import member

pytestmark = pytest.mark.django_db

KANGDING, LUDING, DANBA, PREFECTURE = "513301", "513322", "513323", "513300"


def _health(rnd: Round, unit: str) -> Submission:
    return Submission.objects.get(round=rnd, data_set__code="annual-health", orgunit__code=unit)


@pytest.fixture
def world() -> dict[str, Any]:
    """The 2026 round (past its deadline) with three health submissions sent for review; the
    one of Danba holds more neonatal than infant deaths (stored before the rule applied)."""
    root = get_user_model().objects.create_superuser("root", "", "a-long-test-password")
    rnd = round_open(actor=root, year=2026, closes_on=dt.date(2026, 4, 30))
    subs = [_health(rnd, unit) for unit in (KANGDING, LUDING, DANBA)]
    datavalues_save(
        actor=root,
        submission_id=subs[2].pk,
        entries=[
            Entry("neonatal_deaths", "total", 10),
            Entry("infant_deaths", "total", 5),
        ],
    )
    Submission.objects.filter(pk__in=[s.pk for s in subs]).update(state=SubmissionState.SUBMITTED)
    kd = member("kd_clerk", Role.CLERK, KANGDING, ["health"])
    kd.email = "kd@example.org"
    kd.save()
    pref = member("pref_clerk", Role.CLERK, PREFECTURE, ["health"])
    pref.email = "pref@example.org"
    pref.save()
    return {
        "round": rnd,
        "subs": subs,
        "officer": member("officer", Role.COMMITTEE_OFFICER, PREFECTURE, None),
        "kd_clerk": kd,
        "ld_clerk": member("ld_clerk", Role.CLERK, LUDING, ["health"]),  # no e-mail address
        "pref_clerk": pref,
        "edu_clerk": member("edu_clerk", Role.CLERK, KANGDING, ["education"]),
    }


def _states(subs: list[Submission]) -> list[str]:
    return [Submission.objects.get(pk=s.pk).state for s in subs]


# Batch approval and return ----------------------------------------------------------------------


def test_a_batch_approves_each_on_its_own_and_lists_the_refusal(world: dict[str, Any]) -> None:
    kangding, luding, danba = world["subs"]
    result = submissions_batch_approve(
        actor=world["officer"], submission_ids=[kangding.pk, danba.pk, luding.pk]
    )
    assert [o.submission_id for o in result.done] == [kangding.pk, luding.pk]
    assert _states(world["subs"]) == ["approved", "approved", "submitted"]
    [refused] = result.refused
    assert refused.submission_id == danba.pk
    assert refused.submission is not None
    assert refused.submission.orgunit.code == DANBA
    assert refused.error is not None
    assert refused.error.code == ErrorCode.VALIDATION_FAILED
    assert "新生儿死亡数不能大于婴儿死亡数" in refused.message
    # Each approval is recorded as a single one would be; the refused one has no event.
    assert SubmissionEvent.objects.filter(to_state="approved").count() == 2
    assert not SubmissionEvent.objects.filter(submission=danba).exists()
    assert Submission.objects.get(pk=kangding.pk).approved_by == world["officer"]


def test_a_batch_refreshes_the_figures_once_for_all_its_approvals(
    world: dict[str, Any], monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    calls: list[list[int]] = []
    monkeypatch.setattr(services, "approval_listeners", [calls.append])
    kangding, luding, danba = world["subs"]
    with django_capture_on_commit_callbacks(execute=True):
        submissions_batch_approve(
            actor=world["officer"], submission_ids=[kangding.pk, danba.pk, luding.pk]
        )
    assert calls == [[kangding.pk, luding.pk]]
    # A single approval still refreshes at once, on its own.
    Submission.objects.filter(pk=danba.pk).update(state=SubmissionState.SUBMITTED)
    Submission.objects.filter(pk=kangding.pk).update(state=SubmissionState.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_approve(actor=world["officer"], submission_id=kangding.pk)
    assert calls[1:] == [[kangding.pk]]


def test_a_batch_refuses_what_is_not_awaiting_review_with_its_message(
    world: dict[str, Any],
) -> None:
    kangding = world["subs"][0]
    draft = _health(world["round"], "513324")
    result = submissions_batch_approve(
        actor=world["officer"], submission_ids=[draft.pk, kangding.pk, kangding.pk]
    )
    assert [o.submission_id for o in result.done] == [kangding.pk]  # each id once
    [refused] = result.refused
    assert refused.error is not None
    assert refused.error.code == ErrorCode.BAD_TRANSITION
    assert refused.message == str(refused.error)
    assert Submission.objects.get(pk=draft.pk).state == "draft"


def test_a_batch_return_needs_a_reason_and_gives_it_to_each(world: dict[str, Any]) -> None:
    kangding, luding, _danba = world["subs"]
    with pytest.raises(CollectionError) as refused:
        submissions_batch_return(
            actor=world["officer"], submission_ids=[kangding.pk, luding.pk], reason="  "
        )
    assert refused.value.code == ErrorCode.REASON_REQUIRED
    assert _states(world["subs"]) == ["submitted"] * 3

    result = submissions_batch_return(
        actor=world["officer"], submission_ids=[kangding.pk, luding.pk], reason="请核对死亡数"
    )
    assert len(result.done) == 2
    assert not result.refused
    assert _states(world["subs"]) == ["returned", "returned", "submitted"]
    events = SubmissionEvent.objects.filter(to_state="returned")
    assert sorted(e.reason for e in events) == ["请核对死亡数"] * 2
    told = Notification.objects.filter(kind=NotificationKind.RETURNED)
    assert {(n.recipient.username, n.submission_id) for n in told} >= {
        ("kd_clerk", kangding.pk),
        ("ld_clerk", luding.pk),
    }


def test_a_clerk_cannot_batch_approve_or_return(world: dict[str, Any]) -> None:
    ids = [s.pk for s in world["subs"]]
    with pytest.raises(Forbidden):
        submissions_batch_approve(actor=world["kd_clerk"], submission_ids=ids)
    with pytest.raises(Forbidden):
        submissions_batch_return(actor=world["kd_clerk"], submission_ids=ids, reason="x")
    assert _states(world["subs"]) == ["submitted"] * 3


def test_a_county_officer_acts_only_within_the_county(world: dict[str, Any]) -> None:
    kangding, luding, _danba = world["subs"]
    county = member("kd_officer", Role.COUNTY_OFFICER, KANGDING, None)
    result = submissions_batch_approve(actor=county, submission_ids=[kangding.pk, luding.pk])
    assert [o.submission_id for o in result.done] == [kangding.pk]
    [outside] = result.refused
    # Outside the scope a submission does not exist: nothing of it is told.
    assert outside.submission is None
    assert isinstance(outside.error, NotFound)
    assert _states(world["subs"]) == ["approved", "submitted", "submitted"]


def test_a_closed_round_is_read_only_to_a_batch(world: dict[str, Any]) -> None:
    Round.objects.filter(pk=world["round"].pk).update(state="closed")
    result = submissions_batch_approve(
        actor=world["officer"], submission_ids=[s.pk for s in world["subs"]]
    )
    assert not result.done
    assert {o.error.code for o in result.refused if o.error} == {ErrorCode.ROUND_NOT_OPEN}


# Reminders (催报) ---------------------------------------------------------------------------------


def test_reminders_notify_the_clerks_of_what_is_not_submitted(world: dict[str, Any]) -> None:
    rnd = world["round"]
    result = submissions_remind(
        actor=world["officer"], round_id=rnd.pk, link="http://example.org/collection/"
    )
    not_submitted = Submission.objects.filter(round=rnd, state__in=["draft", "returned"])
    health = not_submitted.filter(data_set__department__code="health")
    notes = Notification.objects.filter(kind=NotificationKind.REMINDED)
    # The prefecture's health clerk is told of every health submission not yet submitted (its
    # scope holds the counties); Kangding's health clerk of Kangding's; nobody of the three
    # submitted ones; Kangding's education clerk of Kangding's education submission.
    assert set(
        notes.filter(recipient=world["pref_clerk"]).values_list("submission", flat=True)
    ) == {s.pk for s in health}
    kd_health = set(health.filter(orgunit__code=KANGDING).values_list("pk", flat=True))
    assert set(notes.filter(recipient=world["kd_clerk"]).values_list("submission", flat=True)) == (
        kd_health
    )
    assert not kd_health  # Kangding's health submission awaits review: nothing to remind
    assert not notes.filter(recipient=world["ld_clerk"]).exists()
    edu = not_submitted.get(orgunit__code=KANGDING, data_set__code="annual-education")
    assert list(
        notes.filter(recipient=world["edu_clerk"]).values_list("submission", flat=True)
    ) == [edu.pk]
    assert not notes.filter(submission__in=world["subs"]).exists()
    assert all(n.actor == world["officer"] for n in notes)
    assert result.clerks == 2
    assert {s.pk for s in result.reminded} == {s.pk for s in health} | {edu.pk}
    # The other departments have no clerk: reported, not silently skipped.
    assert len(result.without_clerk) == not_submitted.count() - len(result.reminded)
    assert result.without_clerk

    # One e-mail per clerk with an address (the test settings' memory backend).
    assert mail_configured()
    assert result.emailed == 1
    [message] = mail.outbox
    assert message.to == ["pref@example.org"]
    assert "2026" in message.subject
    assert "康定市" not in message.body  # Kangding's health submission is submitted
    assert "泸定县" not in message.body
    assert "丹巴县" not in message.body
    assert "九龙县 · " in message.body
    assert "2026-04-30" in message.body
    assert "http://example.org/collection/" in message.body


def test_a_submission_is_reminded_once_a_day(world: dict[str, Any]) -> None:
    rnd = world["round"]
    first = submissions_remind(actor=world["officer"], round_id=rnd.pk)
    assert first.reminded  # something to remind, so that "not again" means something
    count = Notification.objects.filter(kind=NotificationKind.REMINDED).count()
    assert count > 0
    outbox = len(mail.outbox)
    again = submissions_remind(actor=world["officer"], round_id=rnd.pk)
    assert not again.reminded
    assert {s.pk for s in again.already_today} == {s.pk for s in first.reminded}
    assert Notification.objects.filter(kind=NotificationKind.REMINDED).count() == count
    assert len(mail.outbox) == outbox
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    later = submissions_remind(actor=world["officer"], round_id=rnd.pk, today=tomorrow)
    assert {s.pk for s in later.reminded} == {s.pk for s in first.reminded}


def test_without_a_mail_server_reminders_stay_in_the_app(
    world: dict[str, Any], settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = ""
    assert not mail_configured()
    result = submissions_remind(actor=world["officer"], round_id=world["round"].pk)
    assert result.reminded
    assert result.emailed == 0
    assert Notification.objects.filter(kind=NotificationKind.REMINDED).exists()
    settings.EMAIL_HOST = "smtp.example.org"
    assert mail_configured()


def test_only_reviewers_remind_and_only_in_an_open_round(world: dict[str, Any]) -> None:
    with pytest.raises(Forbidden):
        submissions_remind(actor=world["kd_clerk"], round_id=world["round"].pk)
    Round.objects.filter(pk=world["round"].pk).update(state="closed")
    with pytest.raises(CollectionError) as refused:
        submissions_remind(actor=world["officer"], round_id=world["round"].pk)
    assert refused.value.code == ErrorCode.ROUND_NOT_OPEN
    assert not Notification.objects.filter(kind=NotificationKind.REMINDED).exists()


# The pages --------------------------------------------------------------------------------------


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_filters_narrow_the_list_and_keep_the_order(world: dict[str, Any]) -> None:
    officer = _client(world["officer"])
    page = officer.get("/collection/rounds/2026/")
    listed = list(page.context["submissions"])
    assert len(listed) == Submission.objects.filter(round=world["round"]).count()
    # Parent first, then by code: the prefecture's submissions, then the counties in code order.
    codes = [s.orgunit.code for s in listed]
    assert codes[0] == PREFECTURE
    assert codes == sorted(codes, key=lambda c: (c != PREFECTURE, c))
    units = list(page.context["by_orgunit"])
    assert units[0][0] == "甘孜藏族自治州"
    assert [cell.code for _name, cell in units] == [PREFECTURE, *sorted(set(codes) - {PREFECTURE})]

    submitted = officer.get("/collection/rounds/2026/?state=submitted").context["submissions"]
    assert {s.pk for s in submitted} == {s.pk for s in world["subs"]}
    health = officer.get("/collection/rounds/2026/?department=health&orgunit=513322")
    assert [s.pk for s in health.context["submissions"]] == [world["subs"][1].pk]
    html = health.content.decode()
    assert '<option value="health" selected>' in html
    assert '<option value="513322" selected>' in html
    unsubmitted = officer.get("/collection/rounds/2026/?state=unsubmitted&department=health")
    assert {s.state for s in unsubmitted.context["submissions"]} == {"draft"}
    # An unknown value is no filter at all.
    assert len(officer.get("/collection/rounds/2026/?state=nonsense").context["submissions"]) == (
        len(listed)
    )
    # A clerk sees the same filters over their own scope, and no batch form.
    clerk = _client(world["kd_clerk"]).get("/collection/rounds/2026/?state=submitted")
    assert [s.pk for s in clerk.context["submissions"]] == [world["subs"][0].pk]
    assert 'name="submission"' not in clerk.content.decode()


def test_batch_approval_through_the_page_keeps_the_filters(world: dict[str, Any]) -> None:
    officer = _client(world["officer"])
    page = officer.get("/collection/rounds/2026/?state=submitted&select=submitted")
    html = page.content.decode()
    for s in world["subs"]:
        assert f'name="submission" value="{s.pk}" id="pick-{s.pk}" checked' in html
    response = officer.post(
        "/collection/rounds/2026/review/",
        {
            "action": "approve",
            "submission": [s.pk for s in world["subs"]],
            "state": "submitted",
            "department": "health",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/collection/rounds/2026/?state=submitted&department=health"
    after = officer.get(response["Location"])
    assert after.context["batch"]["action"] == "approve"
    assert [s.pk for s in after.context["batch"]["done"]] == [s.pk for s in world["subs"][:2]]
    [(refused, message)] = after.context["batch"]["refused"]
    assert refused.pk == world["subs"][2].pk
    assert "新生儿死亡数不能大于婴儿死亡数" in message
    assert "新生儿死亡数不能大于婴儿死亡数" in after.content.decode()
    # The result is shown once.
    assert officer.get(response["Location"]).context["batch"] is None


def test_batch_return_through_the_page_needs_a_reason(world: dict[str, Any]) -> None:
    officer = _client(world["officer"])
    ids = [s.pk for s in world["subs"]]
    officer.post("/collection/rounds/2026/review/", {"action": "return", "submission": ids})
    assert _states(world["subs"]) == ["submitted"] * 3
    officer.post(
        "/collection/rounds/2026/review/",
        {"action": "return", "submission": ids[:1], "reason": "请补填活产数"},
    )
    assert _states(world["subs"]) == ["returned", "submitted", "submitted"]
    # The clerk sees at the top of the submission who returned it, when and why.
    html = _client(world["kd_clerk"]).get(f"/collection/submissions/{ids[0]}/").content.decode()
    top = html.index('class="return-reason"')
    assert top < html.index('id="h-grid"')
    assert "请补填活产数" in html[top:]
    assert "officer" in html[top : html.index("</section>", top)]


def test_a_clerk_cannot_post_a_batch(world: dict[str, Any]) -> None:
    clerk = _client(world["kd_clerk"])
    response = clerk.post(
        "/collection/rounds/2026/review/",
        {"action": "approve", "submission": [world["subs"][0].pk]},
    )
    assert response.status_code == 403
    assert _states(world["subs"]) == ["submitted"] * 3
    assert clerk.post("/collection/rounds/2026/remind/").status_code == 403


def test_the_reminder_button_says_how_many_clerks_were_told(world: dict[str, Any]) -> None:
    officer = _client(world["officer"])
    assert (
        'action="/collection/rounds/2026/remind/"'
        in officer.get("/collection/rounds/2026/").content.decode()
    )
    response = officer.post("/collection/rounds/2026/remind/", {"department": "health"})
    assert response["Location"] == "/collection/rounds/2026/?department=health"
    said = [str(m) for m in response.wsgi_request._messages]  # type: ignore[attr-defined]
    assert any("2 名填报员" in m for m in said), said
    assert Notification.objects.filter(
        kind=NotificationKind.REMINDED, recipient=world["pref_clerk"]
    ).exists()
    # The clerk's notifications page shows the reminder.
    notes = _client(world["pref_clerk"]).get("/collection/notifications/").content.decode()
    assert "2026" in notes


def test_past_rounds_are_listed_and_open_read_only(world: dict[str, Any]) -> None:
    officer = _client(world["officer"])
    html = officer.get("/collection/").content.decode()
    closed = Round.objects.filter(state="closed")
    assert closed.count() == 16  # the demo's 2010–2025
    for rnd in closed:
        assert f'href="/collection/rounds/{rnd.year}/"' in html
    assert "/collection/rounds/2026/" in html
    assert html.index('id="h-past"') > html.index('id="h-rounds"')
    page = officer.get("/collection/rounds/2025/")
    assert page.status_code == 200
    text = page.content.decode()
    assert page.context["submissions"]
    assert not page.context["can_review"]
    assert 'name="submission"' not in text
    assert "/collection/rounds/2025/remind/" not in text
    assert "/collection/rounds/2025/close/" not in text
    assert 'class="read-only"' in text
