"""serve and worker: the web application and the background work (report builds, and the figure
rebuilds queued by framework edits)."""

from __future__ import annotations

import argparse
import os
import threading
from typing import IO, Any

from .registry import command


def _configure_serve(sv: argparse.ArgumentParser) -> None:
    sv.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    sv.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    sv.add_argument("--threads", type=int, default=int(os.environ.get("THREADS", "8")))
    sv.add_argument(
        "--no-worker",
        action="store_true",
        help="do not run background work (report builds, figure rebuilds) in this process; run "
        "`lianggang worker` instead",
    )


@command("serve", help="serve the web application (waitress)", configure=_configure_serve)
def _cmd_serve(ns: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from django.utils.translation import gettext as _
    from waitress import serve

    from lianggang.config.wsgi import application

    if not ns.no_worker:
        threading.Thread(target=task_worker(f"serve-{os.getpid()}").run, daemon=True).start()
    out.write(
        _("Serving on http://%(host)s:%(port)d/ (Ctrl-C stops)\n")
        % {"host": ns.host, "port": ns.port}
    )
    out.flush()
    serve(application, host=ns.host, port=ns.port, threads=ns.threads, ident="lianggang")
    return 0


def task_worker(worker_id: str, *, batch: bool = False) -> Any:
    """A django-tasks database worker polling every second for queued background work;
    ``batch``: stop when nothing is left (tests, one-off runs)."""
    from django_tasks_db.management.commands.db_worker import Worker

    return Worker(
        queue_names=["default"],
        interval=0.0 if batch else 1.0,
        batch=batch,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )


@command("worker", help="run background work (report builds, figure rebuilds) until stopped")
def _cmd_worker(ns: argparse.Namespace, out: IO[str], err: IO[str]) -> int:
    from django.utils.translation import gettext as _

    out.write(_("Running background work (Ctrl-C stops).\n"))
    out.flush()
    worker = task_worker(f"worker-{os.getpid()}")
    worker.configure_signals()
    worker.run()
    return 0
