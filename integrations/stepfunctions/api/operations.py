"""The operations the server answers, by their X-Amz-Target name."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from integrations.stepfunctions.api import activity_operations as activities
from integrations.stepfunctions.api import execution_operations as executions
from integrations.stepfunctions.api import machine_operations as machines
from integrations.stepfunctions.api import tag_operations as tags
from integrations.stepfunctions.api import task_operations as tasks
from integrations.stepfunctions.api.backend import Backend
from integrations.stepfunctions.api.test_state import test_state

Operation = Callable[[Backend, dict[str, Any], str], dict[str, Any]]

OPERATIONS: Mapping[str, Operation] = {
    "CreateStateMachine": machines.create_state_machine,
    "UpdateStateMachine": machines.update_state_machine,
    "DescribeStateMachine": machines.describe_state_machine,
    "ListStateMachines": machines.list_state_machines,
    "DeleteStateMachine": machines.delete_state_machine,
    "ValidateStateMachineDefinition": machines.validate_state_machine_definition,
    "DescribeStateMachineForExecution": machines.describe_state_machine_for_execution,
    "StartExecution": executions.start_execution,
    "StartSyncExecution": executions.start_sync_execution,
    "DescribeExecution": executions.describe_execution,
    "ListExecutions": executions.list_executions,
    "StopExecution": executions.stop_execution,
    "GetExecutionHistory": executions.get_execution_history,
    "SendTaskSuccess": tasks.send_task_success,
    "SendTaskFailure": tasks.send_task_failure,
    "SendTaskHeartbeat": tasks.send_task_heartbeat,
    "TestState": test_state,
    "CreateActivity": activities.create_activity,
    "DescribeActivity": activities.describe_activity,
    "ListActivities": activities.list_activities,
    "DeleteActivity": activities.delete_activity,
    "GetActivityTask": activities.get_activity_task,
    "TagResource": tags.tag_resource,
    "UntagResource": tags.untag_resource,
    "ListTagsForResource": tags.list_tags_for_resource,
}
