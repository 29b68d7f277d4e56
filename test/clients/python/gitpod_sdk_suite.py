"""The gitpod-sdk (Python) suite: Gitpod's own Python SDK drives the fake's
ona dialect unmodified: automation tasks and task executions, paging included."""

from __future__ import annotations

import sys
import time

import gitpod
from gitpod import Gitpod

from harness import Fake, Recorder, Suite, expect

TOKEN = "python-sdk-token"


def wait_for_phase(executions, execution_id: str, phase: str) -> object:
    deadline = time.monotonic() + 15
    while True:
        execution = executions.retrieve(id=execution_id).task_execution
        if execution.status is not None and execution.status.phase == phase:
            return execution
        if time.monotonic() > deadline:
            raise AssertionError(f"phase {execution.status.phase if execution.status else None} after 15s, want {phase}")
        time.sleep(0.05)


def main() -> int:
    recorder = Recorder()
    suite = Suite("gitpod-sdk-python", recorder)
    fake = Fake()
    try:
        environment_id = fake.control("POST", "/ona/environments", {"name": "main"})["environment"]["id"]
        client = Gitpod(
            bearer_token=TOKEN,
            base_url=f"{fake.url}/api",
            max_retries=0,
            http_client=recorder.client(),
        )
        run(suite, fake, client, environment_id)
    finally:
        fake.stop()
    return suite.finish()


def run(suite: Suite, fake: Fake, client: Gitpod, environment_id: str) -> None:
    tasks = client.environments.automations.tasks
    executions = tasks.executions
    created: list = []

    for reference in ["lint", "build", "test"]:
        def create(reference: str = reference) -> None:
            depends_on = [created[-1].id] if created else []
            task = tasks.create(
                environment_id=environment_id,
                metadata={"reference": reference, "name": f"Task {reference}", "triggered_by": [{"manual": True}]},
                spec={"command": f"make {reference}"},
                depends_on=depends_on,
            ).task
            created.append(task)
            expect("metadata.reference", task.metadata.reference, reference)
            expect("spec.command", task.spec.command, f"make {reference}")
            expect("environment_id", task.environment_id, environment_id)
            expect("depends_on", task.depends_on or [], depends_on)

        suite.check(f"tasks.create {reference}", create)
    if len(created) != 3:
        return

    def create_duplicate() -> None:
        try:
            tasks.create(environment_id=environment_id, metadata={"reference": "lint", "name": "again"}, spec={"command": "x"})
        except gitpod.ConflictError:
            return
        raise AssertionError("a second task with reference lint was created")

    suite.check("tasks.create with a taken reference is ConflictError", create_duplicate)

    def retrieve() -> None:
        task = tasks.retrieve(id=created[1].id).task
        expect("id", task.id, created[1].id)
        expect("metadata.name", task.metadata.name, "Task build")

    suite.check("tasks.retrieve", retrieve)

    def retrieve_unknown() -> None:
        try:
            tasks.retrieve(id="6f1b1c1e-0000-4000-8000-000000000001")
        except gitpod.NotFoundError:
            return
        raise AssertionError("an unknown task was found")

    suite.check("tasks.retrieve of an unknown id is NotFoundError", retrieve_unknown)

    def update() -> None:
        tasks.update(id=created[0].id, metadata={"name": "Lint it"}, spec={"command": "make lint-all"})
        task = tasks.retrieve(id=created[0].id).task
        expect("metadata.name", task.metadata.name, "Lint it")
        expect("spec.command", task.spec.command, "make lint-all")
        expect("metadata.reference (kept)", task.metadata.reference, "lint")

    suite.check("tasks.update", update)

    def list_one_page() -> None:
        page = tasks.list(filter={"environment_ids": [environment_id]}, pagination={"page_size": 2})
        expect("tasks on page 1", [t.id for t in page.tasks], [t.id for t in created[:2]])
        if not page.pagination or not page.pagination.next_token:
            raise AssertionError("no next_token after page 1 of 2")
        second = page.get_next_page()
        expect("tasks on page 2", [t.id for t in second.tasks], [created[2].id])
        expect("has_next_page on the last page", second.has_next_page(), False)

    suite.check("tasks.list page_size=2 (page, get_next_page)", list_one_page)

    def list_auto() -> None:
        ids = [t.id for t in tasks.list(pagination={"page_size": 1})]
        expect("all tasks, auto-paginated", ids, [t.id for t in created])

    suite.check("tasks.list auto-paging over page_size=1", list_auto)

    started: list = []

    def start() -> None:
        execution = tasks.start(id=created[2].id).task_execution
        started.append(execution)
        expect("metadata.task_id", execution.metadata.task_id, created[2].id)
        expect("status.phase", execution.status.phase, "TASK_EXECUTION_PHASE_PENDING")
        expect("plan groups (lint, build, test)", len(execution.spec.plan), 3)

    suite.check("tasks.start (a task with two dependencies)", start)
    if not started:
        return

    def succeeded() -> None:
        execution = wait_for_phase(executions, started[0].id, "TASK_EXECUTION_PHASE_SUCCEEDED")
        expect("steps", len(execution.status.steps), 3)
        if execution.metadata.completed_at is None:
            raise AssertionError("no metadata.completed_at")

    suite.check("task_executions.retrieve until SUCCEEDED", succeeded)

    def failed() -> None:
        fake.control("POST", "/ona/outcomes", {"task": "lint", "outcomes": [{"kind": "fail", "message": "exit status 2"}]})
        execution = tasks.start(id=created[1].id).task_execution
        started.append(execution)
        done = wait_for_phase(executions, execution.id, "TASK_EXECUTION_PHASE_FAILED")
        expect("steps", [(s.phase, s.failure_message) for s in done.status.steps], [("TASK_EXECUTION_PHASE_FAILED", "exit status 2")])

    suite.check("a scripted step failure ends the execution FAILED", failed)

    def stop() -> None:
        fake.control("POST", "/ona/outcomes", {"task": "lint", "outcomes": [{"kind": "hang"}]})
        execution = tasks.start(id=created[0].id).task_execution
        started.append(execution)
        wait_for_phase(executions, execution.id, "TASK_EXECUTION_PHASE_RUNNING")
        executions.stop(id=execution.id)
        stopped = wait_for_phase(executions, execution.id, "TASK_EXECUTION_PHASE_STOPPED")
        expect("spec.desired_phase", stopped.spec.desired_phase, "TASK_EXECUTION_PHASE_STOPPED")

    suite.check("task_executions.stop of a running execution", stop)

    def list_executions() -> None:
        page = executions.list(filter={"environment_ids": [environment_id]}, pagination={"page_size": 2})
        expect("executions on page 1", [e.id for e in page.task_executions], [e.id for e in started[:2]])
        every = [e.id for e in executions.list(pagination={"page_size": 2})]
        expect("all executions, auto-paginated", every, [e.id for e in started])

    suite.check("task_executions.list page_size=2 and auto-paging", list_executions)

    def list_by_phase() -> None:
        failed_ones = list(executions.list(filter={"phases": ["TASK_EXECUTION_PHASE_FAILED"]}))
        expect("FAILED executions", [e.id for e in failed_ones], [started[1].id])

    suite.check("task_executions.list filtered by phase", list_by_phase)

    def delete() -> None:
        tasks.delete(id=created[2].id)
        try:
            tasks.retrieve(id=created[2].id)
        except gitpod.NotFoundError:
            pass
        else:
            raise AssertionError("the deleted task is still found")
        kept = executions.retrieve(id=started[0].id).task_execution
        expect("its execution stays readable", kept.id, started[0].id)

    suite.check("tasks.delete", delete)


if __name__ == "__main__":
    sys.exit(main())
