"""Daily jobs run once per Japanese day, resume after a failure without a double mail, and are taken over when
the process running them died."""

from __future__ import annotations

import threading
from types import SimpleNamespace
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from incubator.db import utcnow
from incubator.extensions import db
from incubator.jobs import JOBS, Job, daily_job, services
from incubator.jobs.models import JobRun, RunStatus
from incubator.outbox.models import OutboxMessage
from incubator.reminders import services as reminders
from incubator.reminders.services import Reminder

DAY = date(2026, 12, 7)


@pytest.fixture()
def counter():
    """A registered job that counts its runs (and fails while ``fail`` is set)."""
    state = {"runs": 0, "fail": False}

    def run(_today):
        state["runs"] += 1
        if state["fail"]:
            raise RuntimeError("the mail server said no")
        return {"done": 1}

    JOBS["test-counter"] = Job("test-counter", "Counter", run)
    yield state
    JOBS.pop("test-counter")


def runs(name="test-counter"):
    db.session.rollback()
    return db.session.scalars(sa.select(JobRun).where(JobRun.job == name).order_by(JobRun.id)).all()


def test_every_feature_job_is_registered():
    assert {"reminders", "sla-escalate", "close-resolved", "retention"} <= set(JOBS)
    assert all(job.label for job in JOBS.values())


def test_a_job_runs_once_a_day_and_again_the_next_day(app, counter):
    first = services.run_job(JOBS["test-counter"], DAY)
    again = services.run_job(JOBS["test-counter"], DAY)
    services.run_job(JOBS["test-counter"], DAY + timedelta(days=1))

    assert first.status is RunStatus.SUCCEEDED and first.counts == {"done": 1}
    assert first.duration_ms is not None and first.finished_at is not None
    assert again is None
    assert counter["runs"] == 2
    assert [run.day for run in runs()] == [DAY, DAY + timedelta(days=1)]


def test_a_failed_run_is_recorded_without_the_message_and_retried_later(app, counter):
    counter["fail"] = True
    now = utcnow()
    failed = services.run_job(JOBS["test-counter"], DAY, now)
    assert failed.status is RunStatus.FAILED
    assert failed.error.startswith("RuntimeError at test_jobs.py:")
    assert "mail server" not in failed.error  # the message may quote personal data

    # Not before JOBS_RETRY_MINUTES, then once more.
    assert services.run_job(JOBS["test-counter"], DAY, now + timedelta(minutes=1)) is None
    counter["fail"] = False
    later = now + timedelta(minutes=app.config["JOBS_RETRY_MINUTES"] + 1)
    retried = services.run_job(JOBS["test-counter"], DAY, later)
    assert retried.status is RunStatus.SUCCEEDED and retried.attempts == 2 and retried.error == ""
    assert len(runs()) == 1


def test_a_job_that_keeps_failing_stops_after_its_attempts(app, counter):
    counter["fail"] = True
    moment = utcnow()
    for _ in range(app.config["JOBS_MAX_ATTEMPTS"] + 2):
        services.run_job(JOBS["test-counter"], DAY, moment)
        moment += timedelta(minutes=app.config["JOBS_RETRY_MINUTES"] + 1)
    assert counter["runs"] == app.config["JOBS_MAX_ATTEMPTS"]
    assert services.failures_since(DAY) == 1


def test_a_run_whose_process_died_is_taken_over_after_its_lease(app, counter):
    # A host claimed the day and died before recording the end.
    db.session.add(JobRun(job="test-counter", day=DAY, status=RunStatus.RUNNING, started_at=utcnow()))
    db.session.commit()

    assert services.run_job(JOBS["test-counter"], DAY) is None  # it may still be running
    later = utcnow() + timedelta(minutes=app.config["JOBS_LEASE_MINUTES"] + 1)
    taken = services.run_job(JOBS["test-counter"], DAY, later)
    assert taken.status is RunStatus.SUCCEEDED and taken.attempts == 2
    assert counter["runs"] == 1


def test_reminders_interrupted_halfway_resume_without_a_double_mail(app, monkeypatch):
    real_enqueue, calls = reminders.enqueue, []

    def enqueue_then_fail_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise ConnectionError("lost the database halfway")
        return real_enqueue(*args, **kwargs)

    monkeypatch.setattr(reminders, "enqueue", enqueue_then_fail_once)

    @reminders.reminder_source
    def three_reminders(today):
        for number in range(3):
            yield Reminder(key=f"test:{number}", due_on=today + timedelta(days=7), days_before=7,
                           email=f"person{number}@example.org", locale="ja", subject="Reminder",
                           template="residence_card_reminder",
                           context={"member": SimpleNamespace(residence_status=None),
                                    "venture": SimpleNamespace(display_name="Venture"), "days_left": 7})

    try:
        now = utcnow()
        first = services.run_job(JOBS["reminders"], DAY, now)
        assert first.status is RunStatus.FAILED
        assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 2

        later = now + timedelta(minutes=app.config["JOBS_RETRY_MINUTES"] + 1)
        second = services.run_job(JOBS["reminders"], DAY, later)
        assert second.status is RunStatus.SUCCEEDED
        assert second.counts == {"queued": 1, "skipped": 2}
        recipients = db.session.scalars(sa.select(OutboxMessage.recipient)).all()
        assert sorted(recipients) == [f"person{n}@example.org" for n in range(3)]
    finally:
        reminders.SOURCES.remove(three_reminders)


def test_cli_runs_the_days_jobs_once_and_lists_them(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["jobs", "run", "--today", "2026-12-07"])
    assert first.exit_code == 0, first.output
    assert "reminders 2026-12-07: succeeded" in first.output
    second = runner.invoke(args=["jobs", "run", "--today", "2026-12-07"])
    assert "nothing left to run" in second.output
    assert "close-resolved" in runner.invoke(args=["jobs", "list"]).output
    assert "sla-escalate 2026-12-07: succeeded" in runner.invoke(args=["jobs", "status"]).output
    wrong = runner.invoke(args=["jobs", "run", "--job", "nope"])
    assert wrong.exit_code != 0 and "no job 'nope'" in wrong.output


@pytest.mark.postgres
def test_two_hosts_starting_the_same_job_at_once_run_it_once(pg_app):
    calls = []
    barrier = threading.Barrier(4)

    def run(_today):
        calls.append(1)
        return {}

    JOBS["test-race"] = Job("test-race", "Race", run)

    def host():
        with pg_app.app_context():
            barrier.wait()
            result = services.run_job(JOBS["test-race"], DAY)
            db.session.remove()
            return result is not None

    try:
        results = []
        threads = []
        for _ in range(4):
            thread = threading.Thread(target=lambda: results.append(host()))
            threads.append(thread)
            thread.start()
        for thread in threads:
            thread.join()
        assert len(calls) == 1 and results.count(True) == 1
    finally:
        JOBS.pop("test-race")


def test_daily_job_registers_in_order():
    @daily_job("test-decorated", label="Decorated", counts={"n": "things"})
    def decorated(_today):
        return {"n": 0}

    try:
        assert list(JOBS)[-1] == "test-decorated"
        assert JOBS["test-decorated"].count_labels == {"n": "things"}
    finally:
        JOBS.pop("test-decorated")


def test_admins_see_each_jobs_last_success_and_failure_in_their_language(app, client, login, users, counter):
    services.run_job(JOBS["reminders"], DAY)
    counter["fail"] = True
    services.run_job(JOBS["test-counter"], DAY)
    login(users["admin"])

    page = client.get("/admin/jobs", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Reminders of deadlines" in html and "Resolved requests closed after a week" in html
    assert "RuntimeError at test_jobs.py" in html and "the mail server said no" not in html
    assert "queued: 0" in html


def test_the_jobs_page_reads_a_fixed_number_of_queries(app, client, login, users, count_queries):
    login(users["admin"])
    client.get("/admin/jobs")
    with count_queries() as few:
        client.get("/admin/jobs")
    for day in range(20):
        services.run_job(JOBS["close-resolved"], DAY + timedelta(days=day))
    with count_queries() as many:
        client.get("/admin/jobs")
    assert many.count == few.count
