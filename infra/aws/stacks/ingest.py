"""Ingest: the EventBridge Pipe from the stream to the Express `Ingest` workflow (the anti-corruption
layer, which claims each message's idempotency record in the shared table), with the topology's batching,
input template and invocation type, and its failure handling: batch bisection, bounded retries and record
age, and a dead-letter queue (SQS) for what still fails (the Observability stack alarms on its depth, as on
every dead-letter queue)."""

from __future__ import annotations

import json

from aws_cdk import Stack
from aws_cdk import aws_iam as iam
from aws_cdk import aws_kinesis as kinesis
from aws_cdk import aws_pipes as pipes
from aws_cdk import aws_sqs as sqs
from constructs import Construct

from infra.aws.references import References
from infra.aws.rules import dead_letter_queue
from infra.aws.state_machines import build_state_machine
from infra.topology import IDEMPOTENCY, TOPOLOGY


class IngestStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        references: References,
        stream: kinesis.IStream,
        **kwargs: object,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        spec = TOPOLOGY.pipe
        bus_arn = references.arn("bus", TOPOLOGY.bus.name)
        self.machine = build_state_machine(
            self,
            TOPOLOGY.state_machine(spec.target),
            references,
            {"events": [bus_arn], "dynamodb": [references.arn("table", IDEMPOTENCY)]},
        )
        role = iam.Role(self, f"{spec.name}Role", assumed_by=iam.ServicePrincipal("pipes.amazonaws.com"))
        stream.grant_read(role)
        # A synchronous (REQUEST_RESPONSE) call of an Express workflow is StartSyncExecution.
        start = (
            "states:StartSyncExecution"
            if spec.invocation_type == "REQUEST_RESPONSE"
            else "states:StartExecution"
        )
        role.add_to_policy(iam.PolicyStatement(actions=[start], resources=[self.machine.state_machine_arn]))
        # Records that fail for good go here (their shard, sequence range and the error), not to nowhere.
        dead_letters = dead_letter_queue(self, spec.dead_letter_queue)
        dead_letters.grant_send_messages(role)
        self.queues: dict[str, sqs.Queue] = {spec.dead_letter_queue: dead_letters}
        self.pipe = pipes.CfnPipe(
            self,
            spec.name,
            name=spec.name,
            role_arn=role.role_arn,
            source=stream.stream_arn,
            source_parameters=pipes.CfnPipe.PipeSourceParametersProperty(
                kinesis_stream_parameters=pipes.CfnPipe.PipeSourceKinesisStreamParametersProperty(
                    starting_position=spec.starting_position,
                    batch_size=spec.batch_size,
                    maximum_batching_window_in_seconds=spec.maximum_batching_window_seconds,
                    maximum_retry_attempts=spec.maximum_retry_attempts,
                    maximum_record_age_in_seconds=spec.maximum_record_age_seconds,
                    on_partial_batch_item_failure=spec.on_partial_batch_item_failure,
                    dead_letter_config=pipes.CfnPipe.DeadLetterConfigProperty(arn=dead_letters.queue_arn),
                ),
                filter_criteria=pipes.CfnPipe.FilterCriteriaProperty(
                    filters=[pipes.CfnPipe.FilterProperty(pattern=json.dumps(f)) for f in spec.filters]
                )
                if spec.filters
                else None,
            ),
            target=self.machine.state_machine_arn,
            target_parameters=pipes.CfnPipe.PipeTargetParametersProperty(
                input_template=spec.input_template,
                step_function_state_machine_parameters=pipes.CfnPipe.PipeTargetStateMachineParametersProperty(
                    invocation_type=spec.invocation_type
                ),
            ),
        )
        # The role's policy must exist before the pipe starts reading.
        self.pipe.node.add_dependency(role)
