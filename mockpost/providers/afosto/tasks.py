"""The `x-task-id` registry (read at `GET /mes/tasks/{id}`) and the documented response headers."""

from __future__ import annotations

from mockpost.providers.afosto.catalog import Operation
from mockpost.providers.afosto.errors import not_found
from mockpost.providers.afosto.items import ItemStore
from mockpost.providers.afosto.models import Answer, Call
from mockpost.providers.afosto.state import TenantState
from mockpost.providers.afosto.synth import iso
from mockpost.providers.afosto.validation import paging

TASK_PATH = ("GET", "/mes/tasks/{id}")


class Tasks:
    """The tasks other endpoints hand out, and the headers their answers document."""

    def __init__(self, store: ItemStore) -> None:
        self.store = store

    def task(self, state: TenantState, call: Call) -> Answer:
        found = state.tasks.get(call.params["id"])
        if found is None:
            raise not_found("task", call.params["id"])
        return Answer(call.op.success, found)

    def new_task(self, state: TenantState, op: Operation) -> str:
        getter = self.store.catalog.by_key[TASK_PATH]
        task = self.store.synth.fill(getter.success_example)
        now = iso(self.store.ctx.now())
        task_id = self.store.ctx.ids.uuid4()
        task.update(
            id=task_id,
            name=op.title,
            description=f"{op.method} {op.path}",
            progress=100,
            result="success",
            started_at=now,
            completed_at=now,
        )
        state.tasks[task_id] = task
        return task_id

    def add_documented_headers(self, state: TenantState, call: Call, answer: Answer) -> None:
        for header in call.op.success_headers:
            name = header["name"].lower()
            if name in answer.headers or name == "content-type":
                continue
            if name == "x-task-id":
                answer.headers[name] = self.new_task(state, call.op)
            elif name == "x-page":
                answer.headers[name] = ""
            elif name == "x-count":
                answer.headers[name] = str(len(answer.body)) if isinstance(answer.body, list) else "1"
            elif name == "x-page-size":
                answer.headers[name] = str(paging(call.headers)[1])
        if call.op.takes_header("x-page") and isinstance(answer.body, list):
            # every answer to a paged request says where the next page is (here: none) and the total
            answer.headers.setdefault("x-page", "")
            answer.headers.setdefault("x-count", str(len(answer.body)))
