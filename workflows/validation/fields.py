"""Which fields each state type accepts, and which belong to only one query language.

The tables follow the Amazon States Language specification and the Step Functions Developer Guide's
page for each state type, including the JSONata additions (Arguments, Output, Items, Condition) and
variables (Assign), so a definition that Workflow Studio accepts is accepted here and vice versa.
"""

from __future__ import annotations

QUERY_LANGUAGES = ("JSONPath", "JSONata")

TOP_LEVEL_FIELDS = frozenset({"StartAt", "States", "Comment", "Version", "TimeoutSeconds", "QueryLanguage"})
BRANCH_FIELDS = frozenset({"StartAt", "States", "Comment"})
ITEM_PROCESSOR_FIELDS = frozenset({"StartAt", "States", "Comment", "ProcessorConfig"})

COMMON_FIELDS = frozenset({"Type", "Comment", "QueryLanguage"})
_FLOW = frozenset({"Next", "End"})
_IO = frozenset({"InputPath", "OutputPath"})
_RESULT = frozenset({"ResultPath", "ResultSelector"})
_ERRORS = frozenset({"Retry", "Catch"})
_VARIABLES = frozenset({"Assign", "Output"})

STATE_FIELDS: dict[str, frozenset[str]] = {
    "Pass": _FLOW | _IO | _VARIABLES | {"Parameters", "ResultPath", "Result"},
    "Task": _FLOW
    | _IO
    | _RESULT
    | _ERRORS
    | _VARIABLES
    | {
        "Resource",
        "Parameters",
        "Arguments",
        "Credentials",
        "TimeoutSeconds",
        "TimeoutSecondsPath",
        "HeartbeatSeconds",
        "HeartbeatSecondsPath",
    },
    "Choice": _IO | _VARIABLES | {"Choices", "Default"},
    "Wait": _FLOW | _IO | _VARIABLES | {"Seconds", "SecondsPath", "Timestamp", "TimestampPath"},
    "Succeed": _IO | {"Output"},
    "Fail": frozenset({"Error", "ErrorPath", "Cause", "CausePath"}),
    "Parallel": _FLOW | _IO | _RESULT | _ERRORS | _VARIABLES | {"Branches", "Parameters", "Arguments"},
    "Map": _FLOW
    | _IO
    | _RESULT
    | _ERRORS
    | _VARIABLES
    | {
        "ItemProcessor",
        "Iterator",
        "ItemsPath",
        "Items",
        "ItemSelector",
        "Parameters",
        "MaxConcurrency",
        "MaxConcurrencyPath",
        "ItemReader",
        "ItemBatcher",
        "ResultWriter",
        "ToleratedFailureCount",
        "ToleratedFailureCountPath",
        "ToleratedFailurePercentage",
        "ToleratedFailurePercentagePath",
        "Label",
    },
}

# Fields that exist only in JSONPath states; a JSONata state uses the replacement named here instead.
JSONPATH_ONLY: dict[str, str] = {
    "InputPath": "the {% %} expressions read $states.input directly",
    "OutputPath": "use Output",
    "Parameters": "use Arguments",
    "ResultPath": "use Output (and Assign)",
    "ResultSelector": "use Output",
    "Result": "use Output",
    "ItemsPath": "use Items",
    "Iterator": "use ItemProcessor",
    "SecondsPath": "use Seconds with a {% %} expression",
    "TimestampPath": "use Timestamp with a {% %} expression",
    "TimeoutSecondsPath": "use TimeoutSeconds with a {% %} expression",
    "HeartbeatSecondsPath": "use HeartbeatSeconds with a {% %} expression",
    "MaxConcurrencyPath": "use MaxConcurrency with a {% %} expression",
    "ToleratedFailureCountPath": "use ToleratedFailureCount with a {% %} expression",
    "ToleratedFailurePercentagePath": "use ToleratedFailurePercentage with a {% %} expression",
    "ErrorPath": "use Error with a {% %} expression",
    "CausePath": "use Cause with a {% %} expression",
}

# Fields that exist only in JSONata states, with their JSONPath counterpart.
JSONATA_ONLY: dict[str, str] = {
    "Arguments": "use Parameters",
    "Output": "use ResultSelector / ResultPath / OutputPath",
    "Items": "use ItemsPath",
}

# Pairs of which at most one may be present in a state.
MUTUALLY_EXCLUSIVE: tuple[tuple[str, str], ...] = (
    ("Next", "End"),
    ("Error", "ErrorPath"),
    ("Cause", "CausePath"),
    ("TimeoutSeconds", "TimeoutSecondsPath"),
    ("HeartbeatSeconds", "HeartbeatSecondsPath"),
    ("MaxConcurrency", "MaxConcurrencyPath"),
    ("ToleratedFailureCount", "ToleratedFailureCountPath"),
    ("ToleratedFailurePercentage", "ToleratedFailurePercentagePath"),
    ("ItemProcessor", "Iterator"),
    ("ItemSelector", "Parameters"),
)

# Fields whose value is a JSONPath reference (a path, never an intrinsic function); None allowed where set.
PATH_FIELDS: dict[str, bool] = {
    "InputPath": True,
    "OutputPath": True,
    "ResultPath": True,
    "ItemsPath": False,
    "SecondsPath": False,
    "TimestampPath": False,
    "TimeoutSecondsPath": False,
    "HeartbeatSecondsPath": False,
    "MaxConcurrencyPath": False,
    "ToleratedFailureCountPath": False,
    "ToleratedFailurePercentagePath": False,
}
# Fail's ErrorPath and CausePath take a path or an intrinsic function, like a "key.$" value.
PATH_OR_INTRINSIC_FIELDS = ("ErrorPath", "CausePath")
# Payload templates: objects whose "key.$" values are paths or intrinsic functions (JSONPath states).
TEMPLATE_FIELDS = ("Parameters", "ResultSelector", "ItemSelector", "Assign", "Credentials")
# Fields that may carry JSONata expressions in a JSONata state.
JSONATA_FIELDS = (
    "Arguments",
    "Output",
    "Assign",
    "Items",
    "ItemSelector",
    "Seconds",
    "Timestamp",
    "TimeoutSeconds",
    "HeartbeatSeconds",
    "MaxConcurrency",
    "ToleratedFailureCount",
    "ToleratedFailurePercentage",
    "Error",
    "Cause",
    "Credentials",
)

# Map fields that only a Distributed Map understands. The ToleratedFailure* fields are not among them:
# AWS creates and runs an INLINE Map that has them (recorded executions, see
# tests/workflow/validation/test_validate_scopes.py).
DISTRIBUTED_ONLY = ("ItemReader", "ItemBatcher", "ResultWriter", "Label")
# A Wait state has exactly one of these.
WAIT_FIELDS = ("Seconds", "SecondsPath", "Timestamp", "TimestampPath")
# Fields that only Task, Parallel and Map states (the ones that do work) may have.
WORK_FIELDS = frozenset({"Retry", "Catch", "TimeoutSeconds", "HeartbeatSeconds"})
# The one path field that writes into the state's input, so it must start with `$` (not `$$` or a
# variable); every other path field only reads.
WRITING_PATH_FIELDS = frozenset({"ResultPath"})
TERMINAL_TYPES = frozenset({"Succeed", "Fail"})
NO_TRANSITION_TYPES = frozenset({"Choice", "Succeed", "Fail"})
MAX_STATE_NAME_LENGTH = 80
