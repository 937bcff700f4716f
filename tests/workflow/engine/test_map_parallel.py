"""Map and Parallel states.

Guide pages: "Map workflow state" (https://docs.aws.amazon.com/step-functions/latest/dg/state-map.html),
"Using Map state in Inline mode" (state-map-inline.html), "Parallel workflow state" (state-parallel.html),
"ItemBatcher" (input-output-itembatcher.html), "Setting failure thresholds for Distributed Map states"
(maprun-fail-threshold.html).
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from workflows.engine import DefinitionError, ManualClock, SystemClock, TaskFailure, execute

RESOURCE = "arn:aws:states:::aws-sdk:comprehend:detectSentiment"
PASS_PROCESSOR = {"StartAt": "Inner", "States": {"Inner": {"Type": "Pass", "End": True}}}


def map_state(processor=None, **fields):
    return {
        "StartAt": "M",
        "States": {"M": {"Type": "Map", "ItemProcessor": processor or PASS_PROCESSOR, "End": True, **fields}},
    }


def batched(**fields):
    """A Distributed Map (ItemBatcher needs one) over the Pass processor."""
    definition = map_state(**fields)
    definition["States"]["M"]["ItemProcessor"] = {
        **PASS_PROCESSOR,
        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
    }
    return definition


def test_map_guide_example_with_item_selector_and_context():
    # state-map-inline.html: ship-val items with ItemSelector using $$.Map.Item.Value / Index.
    data = {
        "ship-date": "2016-03-14T01:59:00Z",
        "detail": {
            "delivery-partner": "UQS",
            "shipped": [
                {"prod": "R31", "dest-code": 9511, "quantity": 1344},
                {"prod": "S39", "dest-code": 9511, "quantity": 40},
            ],
        },
    }
    definition = map_state(
        ItemsPath="$.detail.shipped",
        ItemSelector={
            "parcel.$": "$$.Map.Item.Value",
            "index.$": "$$.Map.Item.Index",
            "courier.$": "$.detail.delivery-partner",
        },
        ResultPath="$.detail.shipped",
    )
    execution = execute(definition, data)
    assert execution.output["detail"]["shipped"] == [
        {"parcel": {"prod": "R31", "dest-code": 9511, "quantity": 1344}, "index": 0, "courier": "UQS"},
        {"parcel": {"prod": "S39", "dest-code": 9511, "quantity": 40}, "index": 1, "courier": "UQS"},
    ]
    assert execution.states_visited == ["M", "M/Inner", "M/Inner"]


def test_legacy_iterator_and_parameters_fields():
    definition = {
        "StartAt": "M",
        "States": {
            "M": {
                "Type": "Map",
                "Iterator": PASS_PROCESSOR,
                "Parameters": {"v.$": "$$.Map.Item.Value"},
                "End": True,
            }
        },
    }
    assert execute(definition, [1, 2]).output == [{"v": 1}, {"v": 2}]


NOT_ARRAYS = [(1, "number", "1"), ("s", "string", '"s"'), (True, "boolean", "true"), (None, "null", "null")]
NOT_ARRAYS += [({"foo": "bar"}, "object", '{"foo":"bar"}')]
ENTERED = "An error occurred while executing the state 'M' (entered at the event id #2). "


def test_map_over_non_array_through_itemspath_is_a_runtime_error():
    # AWS's TestState answer for a JSONPath Map whose ItemsPath is not an array (LocalStack's
    # AWS-validated snapshot v2/test_state/test_state_context_object.snapshot.json,
    # test_state_map_context_object): States.Runtime, 'Reference path "$" must point to array.'
    execution = execute(map_state(ItemsPath="$.items"), {"items": "nope"})
    assert execution.error == "States.Runtime"
    assert execution.cause == ENTERED + 'Reference path "$.items" must point to array.'
    assert execute(map_state(), {"a": 1}).cause == ENTERED + 'Reference path "$" must point to array.'


@pytest.mark.parametrize(("items", "kind", "shown"), NOT_ARRAYS)
def test_jsonata_map_over_non_array_input_is_a_query_evaluation_error(items, kind, shown):
    # Recorded AWS executions (LocalStack's AWS-validated snapshot
    # v2/scenarios/test_base_scenarios.snapshot.json, test_map_state_items_input_types).
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "Start",
        "States": {
            "Start": {"Type": "Pass", "Output": "{% $states.input.items %}", "Next": "M"},
            "M": {"Type": "Map", "ItemProcessor": PASS_PROCESSOR, "End": True},
        },
    }
    execution = execute(definition, {"items": items})
    assert execution.error == "States.QueryEvaluationError"
    cause = f"Map state input must be an array but was: {shown}"
    assert execution.cause == ENTERED.replace("#2", "#4") + cause


@pytest.mark.parametrize(("items", "kind", "shown"), NOT_ARRAYS)
def test_jsonata_items_that_are_not_an_array_name_the_type_and_value(items, kind, shown):
    # Recorded AWS executions (test_base_scenarios.snapshot.json, test_map_state_items_variable_sampling
    # and test_map_state_items_eval_jsonata_fail): the items read from a variable.
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "Start",
        "States": {
            "Start": {"Type": "Pass", "Assign": {"ItemsVar": items}, "Next": "M"},
            "M": {"Type": "Map", "Items": "{% $ItemsVar %}", "ItemProcessor": PASS_PROCESSOR, "End": True},
        },
    }
    execution = execute(definition)
    assert execution.error == "States.QueryEvaluationError"
    assert execution.cause == ENTERED.replace("#2", "#4") + (
        "The JSONata expression '$ItemsVar' specified for the field 'Items' returned an unexpected result "
        f"type. Expected 'array', but was '{kind}' for value: {shown}"
    )


def test_jsonata_items_that_are_a_function_are_an_unsupported_result_type():
    # Recorded AWS execution (test_base_scenarios.snapshot.json, test_map_state_items_eval_jsonata_fail
    # [function]).
    definition = {**map_state(Items="{% $fn := function($x){$x} %}"), "QueryLanguage": "JSONata"}
    execution = execute(definition)
    assert execution.error == "States.QueryEvaluationError"
    assert execution.cause == ENTERED + (
        "The JSONata expression '$fn := function($x){$x}' specified for the field 'Items' returned an "
        "unsupported result type."
    )


def test_items_path_may_read_a_variable_and_the_context_object():
    # "Passing data between states with variables" (workflow-variables.html): variables may be used in
    # ItemsPath; "Context object" (input-output-contextobject.html): ItemsPath may read $$.
    definition = map_state(ItemsPath="$list")
    definition["States"] = {
        "A": {"Type": "Pass", "Assign": {"list": [1, 2]}, "Next": "M"},
        **definition["States"],
    }
    definition["StartAt"] = "A"
    assert execute(definition).output == [1, 2]
    assert execute(map_state(ItemsPath="$$.Execution.Input.xs"), {"xs": ["a"]}).output == ["a"]


def distributed(**fields):
    definition = map_state(ItemsPath="$.items", **fields)
    definition["States"]["M"]["ItemProcessor"] = {
        **PASS_PROCESSOR,
        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
    }
    return definition


# Recorded AWS executions (test_base_scenarios.snapshot.json: test_max_concurrency_path,
# test_map_state_tolerated_failure_count_path, test_map_state_tolerated_failure_percentage_path).
@pytest.mark.parametrize(
    ("field", "value", "cause"),
    [
        (
            "MaxConcurrencyPath",
            "NoNumber",
            'The MaxConcurrencyPath field refers to value "NoNumber" which is not a valid integer: $.v',
        ),
        (
            "MaxConcurrencyPath",
            {},
            'The MaxConcurrencyPath field refers to value "{}" which is not a valid integer: $.v',
        ),
        (
            "ToleratedFailureCountPath",
            "NoNumber",
            "The ToleratedFailureCountPath field refers to value "
            '"NoNumber" which is not a valid integer: $.v',
        ),
        ("ToleratedFailureCountPath", -1, "ToleratedFailureCount cannot be negative."),
        (
            "ToleratedFailurePercentagePath",
            {},
            'The ToleratedFailurePercentagePath field refers to value "{}" which is not a valid float: $.v',
        ),
        ("ToleratedFailurePercentagePath", -1.1, "ToleratedFailurePercentage must be between 0 and 100."),
        ("ToleratedFailurePercentagePath", 100.1, "ToleratedFailurePercentage must be between 0 and 100."),
    ],
)
def test_invalid_values_read_through_map_setting_paths(field, value, cause):
    execution = execute(distributed(**{field: "$.v"}), {"items": [1], "v": value})
    assert (execution.error, execution.cause) == ("States.Runtime", ENTERED + cause)


def test_map_setting_paths_may_read_variables():
    # workflow-variables.html: variables are accepted in MaxConcurrencyPath and ToleratedFailure*Path.
    definition = distributed(MaxConcurrencyPath="$n", ToleratedFailureCountPath="$n")
    definition["States"] = {"A": {"Type": "Pass", "Assign": {"n": 1}, "Next": "M"}, **definition["States"]}
    definition["StartAt"] = "A"
    assert execute(definition, {"items": [1, 2]}).output == [1, 2]


def test_map_history_events():
    types = [event["type"] for event in execute(map_state(), [1]).history]
    assert types == [
        "ExecutionStarted",
        "MapStateEntered",
        "MapStateStarted",
        "MapIterationStarted",
        "PassStateEntered",
        "PassStateExited",
        "MapIterationSucceeded",
        "MapStateSucceeded",
        "MapStateExited",
        "ExecutionSucceeded",
    ]


def waiting_processor(seconds):
    return {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": seconds, "End": True}}}


def test_iterations_run_concurrently_in_virtual_time():
    clock = ManualClock()
    execution = execute(map_state(waiting_processor(10)), [1, 2, 3, 4], clock=clock)
    assert execution.duration == 10


def test_max_concurrency_limits_virtual_time_slots():
    execution = execute(map_state(waiting_processor(10), MaxConcurrency=2), [1, 2, 3, 4, 5])
    assert execution.duration == 30
    assert execute(map_state(waiting_processor(10), MaxConcurrency=1), [1, 2, 3]).duration == 30


def test_iteration_failure_fails_the_map_with_its_error_and_catch_sees_it():
    processor = {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "ItemBad", "Cause": "no"}}}
    definition = map_state(processor)
    definition["States"]["M"]["Catch"] = [{"ErrorEquals": ["ItemBad"], "Next": "Recovered"}]
    definition["States"]["Recovered"] = {"Type": "Pass", "End": True}
    execution = execute(definition, [1, 2])
    assert execution.output == {"Error": "ItemBad", "Cause": "no"}
    assert "MapIterationFailed" in [event["type"] for event in execution.history]


def flaky_processor():
    return {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": RESOURCE, "End": True}}}


def flaky_handler(arguments, invocation):
    if arguments % 2:
        raise TaskFailure("Odd", f"{arguments} is odd")
    return arguments


def test_tolerated_failure_count_and_percentage():
    within = execute(
        map_state(flaky_processor(), ToleratedFailureCount=2),
        [1, 2, 3, 4],
        handlers={RESOURCE: flaky_handler},
    )
    assert within.status == "SUCCEEDED"
    assert within.output[1] == 2 and within.output[0] == {"Error": "Odd", "Cause": "1 is odd"}
    beyond = execute(
        map_state(flaky_processor(), ToleratedFailureCount=1),
        [1, 2, 3, 4],
        handlers={RESOURCE: flaky_handler},
    )
    assert beyond.error == "States.ExceedToleratedFailureThreshold"
    percent = execute(
        map_state(flaky_processor(), ToleratedFailurePercentage=25),
        [1, 2, 3, 4],
        handlers={RESOURCE: flaky_handler},
    )
    assert percent.error == "States.ExceedToleratedFailureThreshold"
    assert (
        execute(
            map_state(flaky_processor(), ToleratedFailurePercentage=50),
            [1, 2, 3, 4],
            handlers={RESOURCE: flaky_handler},
        ).status
        == "SUCCEEDED"
    )


def test_item_batcher_groups_items_with_batch_input():
    definition = batched(
        ItemBatcher={"MaxItemsPerBatch": 2, "BatchInput": {"factor.$": "$.factor"}}, ItemsPath="$.items"
    )
    assert execute(definition, {"items": [1, 2, 3], "factor": 10}).output == [
        {"Items": [1, 2], "BatchInput": {"factor": 10}},
        {"Items": [3], "BatchInput": {"factor": 10}},
    ]


def test_item_batcher_by_bytes():
    # {"Items":["aaaa","bbbb"]} is 25 bytes; adding ,"cccc" would make it 32.
    definition = batched(ItemBatcher={"MaxInputBytesPerBatch": 30})
    assert execute(definition, ["aaaa", "bbbb", "cccc"]).output == [
        {"Items": ["aaaa", "bbbb"]},
        {"Items": ["cccc"]},
    ]


def test_distributed_map_item_reader_is_rejected_clearly():
    with pytest.raises(DefinitionError, match="ItemReader"):
        execute(map_state(ItemReader={"Resource": "arn:aws:states:::s3:getObject"}), [])


def parallel(branches, **fields):
    return {
        "StartAt": "P",
        "States": {"P": {"Type": "Parallel", "Branches": branches, "End": True, **fields}},
    }


def branch(name, state):
    return {"StartAt": name, "States": {name: {**state, "End": True}}}


def test_parallel_guide_example_outputs_a_list_in_branch_order():
    definition = parallel(
        [
            branch("Add", {"Type": "Pass", "Parameters": {"sum.$": "States.MathAdd($.a, $.b)"}}),
            branch("Sub", {"Type": "Pass", "Parameters": {"diff.$": "States.MathAdd($.a, -1)"}}),
        ],
        ResultPath="$.results",
    )
    execution = execute(definition, {"a": 3, "b": 2})
    assert execution.output == {"a": 3, "b": 2, "results": [{"sum": 5}, {"diff": 2}]}
    assert execution.states_visited == ["P", "P/Add", "P/Sub"]


def test_parallel_branches_wait_concurrently():
    definition = parallel(
        [branch("A", {"Type": "Wait", "Seconds": 5}), branch("B", {"Type": "Wait", "Seconds": 8})]
    )
    assert execute(definition, {}).duration == 8


def test_parallel_branch_failure_fails_the_state_with_the_branch_error():
    definition = parallel(
        [
            branch("A", {"Type": "Pass"}),
            {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Boom", "Cause": "b"}}},
        ]
    )
    execution = execute(definition, {})
    assert (execution.error, execution.cause) == ("Boom", "b")
    assert "ParallelStateFailed" in [event["type"] for event in execution.history]


def test_parallel_retry_reruns_all_branches():
    calls = []

    def handler(arguments, invocation):
        calls.append(invocation.state_path)
        if len(calls) == 1:
            raise TaskFailure("Flaky", "")
        return "ok"

    definition = parallel(
        [branch("T", {"Type": "Task", "Resource": RESOURCE})],
        Retry=[{"ErrorEquals": ["Flaky"], "IntervalSeconds": 1}],
    )
    assert execute(definition, {}, handlers={RESOURCE: handler}).output == ["ok"]
    assert calls == ["P/T", "P/T"]


def test_nested_map_in_parallel_paths_and_real_clock_threads():
    inner = {"Type": "Map", "ItemProcessor": PASS_PROCESSOR, "ItemsPath": "$.items"}
    definition = parallel([branch("M", inner), branch("N", {"Type": "Pass"})])
    execution = execute(definition, {"items": [1, 2]}, clock=SystemClock())
    assert execution.output == [[1, 2], {"items": [1, 2]}]
    assert sorted(execution.states_visited) == ["P", "P/M", "P/M/Inner", "P/M/Inner", "P/N"]
    assert execution.duration < timedelta(seconds=5).total_seconds()


def test_parallel_failed_event_is_recorded_once_after_retries():
    definition = parallel(
        [{"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Boom"}}}],
        Retry=[{"ErrorEquals": ["Boom"], "MaxAttempts": 2}],
    )
    execution = execute(definition, {})
    types = [event["type"] for event in execution.history]
    assert types.count("ParallelStateStarted") == 3
    assert types.count("ParallelStateFailed") == 1
    assert types[-2:] == ["ParallelStateFailed", "ExecutionFailed"]


def test_error_output_of_a_fail_state_without_error_or_cause_has_empty_strings():
    definition = parallel(
        [{"StartAt": "F", "States": {"F": {"Type": "Fail"}}}],
        Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Caught"}],
    )
    definition["States"]["Caught"] = {"Type": "Pass", "End": True}
    assert execute(definition, {}).output == {"Error": "", "Cause": ""}


def test_succeed_inside_an_iteration_ends_only_that_iteration():
    processor = {
        "StartAt": "C",
        "States": {
            "C": {
                "Type": "Choice",
                "Choices": [{"Variable": "$", "NumericGreaterThan": 1, "Next": "Big"}],
                "Default": "Small",
            },
            "Big": {"Type": "Succeed"},
            "Small": {"Type": "Pass", "Result": "small", "End": True},
        },
    }
    execution = execute(map_state(processor, ResultPath="$.sizes", ItemsPath="$.n"), {"n": [1, 2]})
    assert execution.output == {"n": [1, 2], "sizes": ["small", 2]}
    assert execution.states_visited == ["M", "M/C", "M/Small", "M/C", "M/Big"]


def test_a_task_failure_that_ends_a_branch_records_task_state_aborted():
    def failing(arguments, invocation):
        raise TaskFailure("Bad", "why")

    definition = parallel([branch("T", {"Type": "Task", "Resource": RESOURCE})])
    types = [event["type"] for event in execute(definition, {}, handlers={RESOURCE: failing}).history]
    assert types[-4:] == ["TaskFailed", "TaskStateAborted", "ParallelStateFailed", "ExecutionFailed"]


def test_runtime_errors_record_no_parallel_or_iteration_failed_events():
    definition = parallel([branch("B", {"Type": "Pass", "Parameters": {"x.$": "$.missing"}})])
    types = [event["type"] for event in execute(definition, {}).history]
    assert "ParallelStateFailed" not in types and types[-1] == "ExecutionFailed"
    mapped = execute(
        map_state(
            {
                "StartAt": "B",
                "States": {"B": {"Type": "Pass", "Parameters": {"x.$": "$.missing"}, "End": True}},
            }
        ),
        [1],
    )
    assert not {"MapIterationFailed", "MapStateFailed"} & {event["type"] for event in mapped.history}


def test_batches_never_exceed_256_kib_and_an_item_too_big_alone_fails():
    definition = batched(
        ItemBatcher={"MaxItemsPerBatch": 10},
        ItemsPath="$.items",
        ItemSelector={"v.$": "$.big"},
        ResultPath=None,
    )
    execution = execute(definition, {"items": [1, 2, 3, 4, 5], "big": "x" * 100_000})
    batches = [
        json.loads(event["stateEnteredEventDetails"]["input"])
        for event in execution.history
        if event["type"] == "PassStateEntered"
    ]
    assert [len(batch["Items"]) for batch in batches] == [2, 2, 1]
    doubled = batched(
        ItemBatcher={"MaxItemsPerBatch": 10},
        ItemsPath="$.items",
        ItemSelector={"a.$": "$.big", "b.$": "$.big"},
    )
    huge = execute(doubled, {"items": [1], "big": "y" * 150_000})
    assert huge.error == "States.DataLimitExceeded"
    assert "The item at index 0 is" in huge.cause


def test_item_selector_runs_just_before_each_iteration_starts():
    definition = map_state(ItemSelector={"v.$": "$$.Map.Item.Value.x"})
    types = [event["type"] for event in execute(definition, [{"x": 1}, {}]).history]
    assert types[:4] == ["ExecutionStarted", "MapStateEntered", "MapStateStarted", "MapIterationStarted"]
    assert types.count("MapIterationStarted") == 1  # the second item's selector failed before it started
    assert types[-1] == "ExecutionFailed"


def test_item_batcher_on_an_inline_map_is_refused():
    with pytest.raises(DefinitionError, match="not supported for INLINE maps"):
        execute(map_state(ItemBatcher={"MaxItemsPerBatch": 2}), [1])


def test_map_setting_paths_parse_numbers_written_as_strings():
    # Recorded AWS executions (LocalStack's AWS-validated snapshot
    # v2/assign/test_assign_reference_variables.snapshot.json, test_reference_in_map_state): a variable
    # holding the string "1" is a valid MaxConcurrencyPath, ToleratedFailureCountPath and
    # ToleratedFailurePercentagePath value.
    definition = distributed(
        MaxConcurrencyPath="$n", ToleratedFailureCountPath="$n", ToleratedFailurePercentagePath="$n"
    )
    definition["States"] = {"A": {"Type": "Pass", "Assign": {"n": "1"}, "Next": "M"}, **definition["States"]}
    definition["StartAt"] = "A"
    assert execute(definition, {"items": [1, 2, 3]}).output == [1, 2, 3]


@pytest.mark.parametrize("limit", [1, 2, 3])
def test_max_concurrency_bounds_the_iterations_running_at_once_on_a_real_clock(limit: int) -> None:
    # MaxConcurrency: "how many invocations of the ItemProcessor may run in parallel" (Map state, Step
    # Functions developer guide): never more, and that many for the later items as for the first ones.
    # Each iteration waits until `limit` of them are running: with fewer slots, the barrier breaks.
    import threading

    running, peak, lock = 0, 0, threading.Lock()
    together = threading.Barrier(limit, timeout=10)

    def handler(arguments, invocation):
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        together.wait()
        with lock:
            running -= 1
        return arguments

    processor = {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": RESOURCE, "End": True}}}
    items = list(range(1, 3 * limit + 1))
    execution = execute(
        map_state(processor, MaxConcurrency=limit), items, clock=SystemClock(), handlers={RESOURCE: handler}
    )
    assert (execution.status, execution.output) == ("SUCCEEDED", items)
    assert peak == limit


def test_a_failed_iteration_stops_those_not_started_on_a_real_clock() -> None:
    calls = []

    def handler(arguments, invocation):
        calls.append(arguments)
        if arguments == 1:
            raise TaskFailure("Boom", "first")
        return arguments

    processor = {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": RESOURCE, "End": True}}}
    execution = execute(
        map_state(processor, MaxConcurrency=1), [1, 2, 3], clock=SystemClock(), handlers={RESOURCE: handler}
    )
    assert (execution.status, execution.error) == ("FAILED", "Boom")
    assert calls == [1]
