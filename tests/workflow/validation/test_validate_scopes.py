"""Parallel branches and Map processors are their own scopes, validated recursively."""

from __future__ import annotations

PASS_END = {"Type": "Pass", "End": True}


def parallel(*branches):
    return {"Type": "Parallel", "Branches": list(branches), "Next": "Done"}


def test_valid_parallel(machine, errors_of) -> None:
    branch = {"StartAt": "B1", "States": {"B1": PASS_END}}
    assert errors_of(machine(P=parallel(branch), Done=PASS_END)) == []


def test_next_cannot_leave_a_branch(machine, errors_of) -> None:
    branch = {"StartAt": "B1", "States": {"B1": {"Type": "Pass", "Next": "Done"}}}
    assert errors_of(machine(P=parallel(branch), Done=PASS_END)) == [
        (
            "/States/P/Branches/0/States/B1/Next",
            "'Done' is outside this branch: a state cannot leave its Parallel branch or Map",
        )
    ]


def test_branch_problems_are_found_recursively(machine, errors_of) -> None:
    branch = {"StartAt": "B1", "States": {"B1": PASS_END, "B2": PASS_END}, "Extra": 1}
    assert errors_of(machine(P=parallel(branch, {"States": {}}), Done=PASS_END)) == [
        ("/States/P/Branches/0/Extra", "unknown field 'Extra' in a Parallel branch"),
        ("/States/P/Branches/0/States/B2", "state 'B2' is unreachable from StartAt"),
        ("/States/P/Branches/1/States", "a Parallel branch needs a non-empty States object"),
        ("/States/P/Branches/1", "a Parallel branch needs StartAt"),
    ]


def map_state(**extra):
    processor = {"StartAt": "Item", "States": {"Item": PASS_END}}
    return {"Type": "Map", "ItemProcessor": processor, "End": True, **extra}


def test_valid_inline_and_distributed_maps(machine, errors_of) -> None:
    assert errors_of(machine(M=map_state(ItemsPath="$.items", MaxConcurrency=1))) == []
    distributed = map_state(ToleratedFailurePercentage=5, Label="Batch")
    distributed["ItemProcessor"]["ProcessorConfig"] = {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"}
    assert errors_of(machine(M=distributed)) == []


def test_tolerated_failure_fields_are_accepted_on_an_inline_map(machine, errors_of) -> None:
    # Recorded AWS executions (LocalStack's AWS-validated snapshot
    # v2/evaluate_jsonata/test_base_evaluate_expressions.snapshot.json, test_base_map[TOLERATED_FAILURE_COUNT]
    # and [TOLERATED_FAILURE_PERCENTAGE]): an INLINE Map with these fields is created and succeeds.
    inline = map_state(ToleratedFailureCount=1, ToleratedFailurePercentage=5)
    assert errors_of(machine(M=inline)) == []


def test_processor_config_mode_and_distributed_only_fields(machine, errors_of) -> None:
    bad_mode = map_state()
    bad_mode["ItemProcessor"]["ProcessorConfig"] = {"Mode": "PARALLEL"}
    assert errors_of(machine(M=bad_mode)) == [
        ("/States/M/ItemProcessor/ProcessorConfig/Mode", "Mode must be INLINE or DISTRIBUTED, got 'PARALLEL'")
    ]
    no_type = map_state()
    no_type["ItemProcessor"]["ProcessorConfig"] = {"Mode": "DISTRIBUTED"}
    assert errors_of(machine(M=no_type)) == [
        (
            "/States/M/ItemProcessor/ProcessorConfig/ExecutionType",
            "a Distributed Map needs ExecutionType STANDARD or EXPRESS",
        )
    ]
    assert errors_of(machine(M=map_state(ItemReader={}))) == [
        ("/States/M/ItemReader", "ItemReader needs a Distributed Map (ProcessorConfig Mode DISTRIBUTED)")
    ]


def test_map_numbers_and_exclusive_fields(machine, errors_of) -> None:
    assert errors_of(machine(M=map_state(MaxConcurrency=-1))) == [
        ("/States/M/MaxConcurrency", "must be a number ≥ 0, got -1")
    ]
    both = map_state(Iterator={"StartAt": "I", "States": {"I": PASS_END}})
    assert ("/States/M/Iterator", "ItemProcessor and Iterator cannot both be set") in errors_of(
        machine(M=both)
    )


def test_legacy_iterator_is_a_scope_too(machine, errors_of) -> None:
    legacy = {"Type": "Map", "Iterator": {"StartAt": "I", "States": {"I": {"Type": "Pass"}}}, "End": True}
    assert errors_of(machine(M=legacy)) == [
        ("/States/M/Iterator/States/I", 'a Pass state needs Next or "End": true')
    ]


def test_map_processor_cannot_jump_to_outer_state(machine, errors_of) -> None:
    jumping = map_state()
    jumping["ItemProcessor"]["States"]["Item"] = {"Type": "Pass", "Next": "M"}
    assert errors_of(machine(M=jumping)) == [
        (
            "/States/M/ItemProcessor/States/Item/Next",
            "'M' is outside this branch: a state cannot leave its Parallel branch or Map",
        )
    ]


def test_processor_config_fields(machine, errors_of) -> None:
    inline = map_state()
    inline["ItemProcessor"]["ProcessorConfig"] = {"Mode": "INLINE", "ExecutionType": "EXPRESS", "Size": 1}
    assert errors_of(machine(M=inline)) == [
        ("/States/M/ItemProcessor/ProcessorConfig/Size", "unknown field 'Size' in ProcessorConfig"),
        (
            "/States/M/ItemProcessor/ProcessorConfig/ExecutionType",
            "ExecutionType applies to a Distributed Map only",
        ),
    ]
