"""The Map state: runs its ItemProcessor once per item (or per batch) and collects the outputs in order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from workflows.engine import jsonata_eval
from workflows.engine.errors import (
    DefinitionError,
    StatesDataLimitExceeded,
    StatesExceedToleratedFailureThreshold,
    StatesQueryEvaluationError,
    StatesRuntime,
    WorkflowError,
)
from workflows.engine.history import PAYLOAD_LIMIT, to_json, utf8_size
from workflows.engine.intrinsics.arguments import json_type
from workflows.engine.io import DataFlow, compile_optional_path, reference_conflict, states_bindings
from workflows.engine.jsonpath import PathNotFound
from workflows.engine.payload import compile_template, resolve_path
from workflows.engine.states.branches import run_concurrently
from workflows.engine.states.common import WorkState, number_setting

if TYPE_CHECKING:
    from workflows.engine.scope import Scope


class MapState(WorkState):
    type_name = "Map"
    failed_event = "MapStateFailed"

    def __init__(self, name: str, spec: dict[str, Any], query_language: str) -> None:
        from workflows.engine.machine import Branch

        super().__init__(name, spec, query_language)
        processor = spec.get("ItemProcessor", spec.get("Iterator"))
        if not isinstance(processor, dict):
            raise DefinitionError(f"state {name!r}: a Map state needs an ItemProcessor")
        for unsupported in ("ItemReader", "ResultWriter"):
            if unsupported in spec:
                raise DefinitionError(
                    f"state {name!r}: {unsupported} (Distributed Map over S3) is not supported "
                    "by the local engine; pass the items inline with Items/ItemsPath"
                )
        self.processor = Branch(processor, query_language, f"{name}.ItemProcessor", nested=True)
        self.flow = DataFlow(spec, name, jsonata=self.jsonata, parameters_field=None, result_fields=True)
        selector = spec.get("ItemSelector", spec.get("Parameters"))
        self.selector: Any = None
        self.selector_jsonata: Any = None
        if self.jsonata:
            self.items_path = None
            self.items = jsonata_eval.compile_value(spec["Items"], "Items") if "Items" in spec else None
            self.selector_jsonata = (
                jsonata_eval.compile_value(selector, "ItemSelector") if selector is not None else None
            )
        else:
            self.items_path = compile_optional_path(spec, "ItemsPath", name)
            self.selector = compile_template(selector, "ItemSelector") if selector is not None else None
        self.max_concurrency = number_setting(self, spec, "MaxConcurrency", 0)
        self.tolerated_count = number_setting(self, spec, "ToleratedFailureCount", None)
        self.tolerated_percentage = number_setting(
            self, spec, "ToleratedFailurePercentage", None, whole=False, maximum=100
        )
        mode = processor.get("ProcessorConfig", {}).get("Mode", "INLINE")
        if "ItemBatcher" in spec and mode != "DISTRIBUTED":
            raise DefinitionError(
                f"state {name!r}: The ItemReader, ItemBatcher and ResultWriter fields are not supported for "
                "INLINE maps; set ItemProcessor.ProcessorConfig.Mode to DISTRIBUTED"
            )
        batcher = spec.get("ItemBatcher")
        self.batcher = batcher if isinstance(batcher, dict) else None
        if self.batcher is not None:
            self.max_items = number_setting(self, self.batcher, "MaxItemsPerBatch", None, minimum=1)
            self.max_bytes = number_setting(self, self.batcher, "MaxInputBytesPerBatch", None, minimum=1)
            self.batch_input = (
                jsonata_eval.compile_value(self.batcher["BatchInput"], "ItemBatcher/BatchInput")
                if self.jsonata and "BatchInput" in self.batcher
                else None
            )
            self.batch_template = (
                compile_template(self.batcher["BatchInput"], "BatchInput")
                if not self.jsonata and "BatchInput" in self.batcher
                else None
            )

    def work(
        self, scope: Scope, state_input: Any, retrying: Callable[[Callable[[], Any]], Any]
    ) -> tuple[Any, str | None]:
        effective = state_input if self.jsonata else self.flow.effective_input(state_input, scope)
        result = retrying(lambda: self.iterate(scope, state_input, effective))
        return self.flow.finish(state_input, result, scope), self.next

    def _items(self, scope: Scope, state_input: Any, effective: Any) -> list[Any]:
        """The items, with AWS's error and cause when they are not an array."""
        items: Any
        if self.jsonata:
            if self.items is None:
                if not isinstance(state_input, list):
                    raise StatesQueryEvaluationError(
                        f"Map state input must be an array but was: {to_json(state_input)}"
                    )
                return state_input
            items = self.items(states_bindings(scope, state_input))
            if not isinstance(items, list):
                source = getattr(self.items, "source", "")
                raise StatesQueryEvaluationError(
                    f"The JSONata expression '{source}' specified for the field 'Items' returned an "
                    f"unexpected result type. Expected 'array', but was '{json_type(items)}' for value: "
                    f"{to_json(items)}"
                )
            return items
        if self.items_path is None:  # ItemsPath null: the items are {} (which is not an array)
            items = {}
        else:
            try:
                items = resolve_path(self.items_path, effective, scope)
            except PathNotFound as missing:
                raise reference_conflict(missing, effective) from None
        if not isinstance(items, list):
            # AWS's TestState answer for a reference path that is not an array; for a `$$` path it
            # quotes the path without its first `$`.
            source = self.items_path.source if self.items_path is not None else "null"
            shown = source[1:] if source.startswith("$$") else source
            raise StatesRuntime(f'Reference path "{shown}" must point to array.')
        return items

    def _select(self, scope: Scope, state_input: Any, effective: Any, index: int, item: Any) -> Any:
        """ItemSelector for one item, seeing `$$.Map.Item` (on a copy of the scope: iterations may run
        in threads)."""
        if self.selector is None and self.selector_jsonata is None:
            return item
        selecting = replace(scope, map_item={"Index": index, "Value": item})
        if self.jsonata:
            return self.selector_jsonata(states_bindings(selecting, state_input))
        return self.selector(effective, selecting)

    def _batches(self, scope: Scope, state_input: Any, effective: Any, items: list[Any]) -> list[Any]:
        assert self.batcher is not None
        max_items = self.max_items(scope, effective)
        max_bytes = self.max_bytes(scope, effective)
        batch_input = None
        if self.batch_input is not None:
            batch_input = self.batch_input(states_bindings(scope, state_input))
        elif self.batch_template is not None:
            batch_input = self.batch_template(effective, scope)
        # A batch's size is that of the JSON input its iteration gets: {"BatchInput":...,"Items":[...]}, and
        # no iteration input may exceed 256 KiB whatever MaxInputBytesPerBatch says.
        head = {"BatchInput": batch_input} if batch_input is not None else {}
        empty_size = utf8_size(to_json({**head, "Items": []}))
        ceiling = min(max_bytes, PAYLOAD_LIMIT) if max_bytes is not None else PAYLOAD_LIMIT
        batches: list[list[Any]] = []
        size = 0
        for index, item in enumerate(items):
            item_size = utf8_size(to_json(item))
            if empty_size + item_size > PAYLOAD_LIMIT:
                raise StatesDataLimitExceeded(
                    f"The item at index {index} is {empty_size + item_size} bytes as an iteration input, "
                    f"over the {PAYLOAD_LIMIT} byte maximum. Reduce it with ItemSelector."
                )
            full = batches and (
                (max_items is not None and len(batches[-1]) >= max_items) or size + 1 + item_size > ceiling
            )
            if not batches or full:
                batches.append([])
                size = empty_size - 1  # the first item adds no comma
            batches[-1].append(item)
            size += 1 + item_size
        return [{**head, "Items": batch} for batch in batches]

    def iterate(self, scope: Scope, state_input: Any, effective: Any) -> list[Any]:
        items = self._items(scope, state_input, effective)
        inputs = items
        if self.batcher is not None:  # batches hold selected items, so they are built up front
            selected = [self._select(scope, state_input, effective, i, item) for i, item in enumerate(items)]
            inputs = self._batches(scope, state_input, effective, selected)
        # Without batches, AWS evaluates each ItemSelector just before its iteration starts.
        select_each = self.batcher is None
        scope.event("MapStateStarted", "mapStateStartedEventDetails", {"length": len(items)})
        tolerated_count = self.tolerated_count(scope, effective)
        tolerated_percentage = self.tolerated_percentage(scope, effective)
        tolerant = tolerated_count is not None or tolerated_percentage is not None
        outputs: list[Any] = [None] * len(inputs)
        failures: list[BaseException] = []

        def job(index: int) -> Callable[[Scope], Any]:
            def iteration(child: Scope) -> Any:
                value = inputs[index]
                if select_each:
                    value = self._select(scope, state_input, effective, index, value)
                details = {"name": self.name, "index": index}
                child.event("MapIterationStarted", "mapIterationStartedEventDetails", details)
                try:
                    output = self.processor.run(child, value)
                except WorkflowError as error:
                    if error.error != "States.Runtime":
                        child.event("MapIterationFailed", "mapIterationFailedEventDetails", details)
                    raise
                child.event("MapIterationSucceeded", "mapIterationSucceededEventDetails", details)
                return output

            return iteration

        def collect(index: int, value: Any, error: BaseException | None) -> bool:
            if error is None:
                outputs[index] = value
                return True
            failures.append(error)
            if not tolerant or not isinstance(error, WorkflowError):
                return False
            outputs[index] = error.output()
            return not self._exceeded(len(failures), len(inputs), tolerated_count, tolerated_percentage)

        concurrency = int(self.max_concurrency(scope, effective) or 0)
        run_concurrently(scope, self.name, [job(index) for index in range(len(inputs))], concurrency, collect)
        if failures and (
            not tolerant
            or not isinstance(failures[-1], WorkflowError)
            or self._exceeded(len(failures), len(inputs), tolerated_count, tolerated_percentage)
        ):
            if tolerant and isinstance(failures[-1], WorkflowError):
                raise StatesExceedToleratedFailureThreshold(
                    "The map run failed because a tolerated failure threshold was exceeded. "
                    f"{len(failures)} of {len(inputs)} items failed."
                )
            raise failures[0]
        scope.event("MapStateSucceeded")
        return outputs

    @staticmethod
    def _exceeded(failed: int, total: int, count: float | None, percentage: float | None) -> bool:
        # With both set, exceeding either one fails the state.
        return (count is not None and failed > count) or (
            percentage is not None and failed * 100 > percentage * total
        )
