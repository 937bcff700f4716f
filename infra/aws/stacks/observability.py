"""Observability: a metric filter per detail-type on the catch-all log (namespace
`ServerlessMessageAnalyser`, as the local cloud counts them), a dashboard, and alarms on dead-letter
queue depth and failed executions that notify the alerts topic."""

from __future__ import annotations

from collections.abc import Mapping

from aws_cdk import Duration, Stack
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as actions
from aws_cdk import aws_logs as logs
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from aws_cdk import aws_stepfunctions as sfn
from constructs import Construct

from workflows.schemas import SCHEMA_FILES

NAMESPACE = "ServerlessMessageAnalyser"
# Every domain event has a metric of its own; the raw X activities share one.
RAW_ACTIVITY = "TWITTER_*"
DETAIL_TYPES: tuple[str, ...] = (*SCHEMA_FILES, RAW_ACTIVITY)


def metric_name(detail_type: str) -> str:
    return "TWITTER_ACTIVITY" if detail_type == RAW_ACTIVITY else detail_type


class ObservabilityStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        event_log: logs.ILogGroup,
        machines: Mapping[str, sfn.IStateMachine],
        queues: Mapping[str, sqs.IQueue],
        alerts: sns.ITopic,
        **kwargs: object,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        counts: list[cloudwatch.IMetric] = []
        for detail_type in DETAIL_TYPES:
            name = metric_name(detail_type)
            metric_filter = logs.MetricFilter(
                self,
                f"Count{name}",
                log_group=event_log,
                metric_namespace=NAMESPACE,
                metric_name=name,
                metric_value="1",
                filter_pattern=logs.FilterPattern.string_value("$.detail-type", "=", detail_type),
            )
            counts.append(metric_filter.metric(statistic="Sum", period=Duration.minutes(1)))
        notify = actions.SnsAction(alerts)
        failures: list[cloudwatch.IMetric] = []

        def alarm_on_any(construct_id: str, metric: cloudwatch.IMetric, description: str) -> None:
            """An alarm that fires as soon as the metric reaches 1, notifying the alerts topic."""
            cloudwatch.Alarm(
                self,
                construct_id,
                metric=metric,
                threshold=1,
                evaluation_periods=1,
                comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
                treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
                alarm_description=description,
            ).add_alarm_action(notify)

        for name, machine in machines.items():
            failed = machine.metric_failed(period=Duration.minutes(5), statistic="Sum")
            failures.append(failed)
            alarm_on_any(f"{name}Failed", failed, f"An execution of {name} failed.")
        depths: list[cloudwatch.IMetric] = []
        for name, queue in queues.items():
            depth = queue.metric_approximate_number_of_messages_visible(
                period=Duration.minutes(5), statistic="Maximum"
            )
            depths.append(depth)
            alarm_on_any(f"{name}Depth", depth, f"Events wait in {name}: a rule could not deliver them.")
        dashboard = cloudwatch.Dashboard(self, "Dashboard", dashboard_name="ServerlessMessageAnalyser")
        dashboard.add_widgets(
            cloudwatch.GraphWidget(title="Events per detail-type", left=counts, width=24),
            cloudwatch.GraphWidget(title="Failed executions", left=failures, width=12),
            cloudwatch.GraphWidget(title="Dead-letter queue depth", left=depths, width=12),
        )
