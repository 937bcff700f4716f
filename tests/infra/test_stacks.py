"""Each stack's template holds what the topology, the ASL files, the bot definition and the lake's
schema declare (`aws_cdk.assertions` over the session's synthesized templates)."""

from __future__ import annotations

import base64
import json

import pytest
from aws_cdk.assertions import Match, Template

from infra.aws.named_queries import NAMED_QUERIES
from infra.aws.stacks.observability import DETAIL_TYPES, NAMESPACE
from infra.aws.state_machines import iam_actions, task_resources
from infra.topology import PYTHON_VERSION, ROOT, TOPOLOGY, X_SECRET_ID

MACHINE_STACKS = {
    "Ingest": "Sma-Ingest",
    "Analyse": "Sma-Analysis",
    "RespondText": "Sma-Responding",
    "RespondImage": "Sma-Responding",
    "Egress": "Sma-Egress",
}
FUNCTION_STACKS = {
    "Ingress": "Sma-Ingress",
    "DownloadImages": "Sma-Analysis",
    "Overlay": "Sma-Responding",
    "PostTweet": "Sma-Egress",
}


def template(synthesized, stack: str) -> Template:
    return Template.from_json(synthesized.templates[stack])


def _machine(synthesized, name: str) -> dict:
    stack = MACHINE_STACKS[name]
    [properties] = [
        p
        for s, logical_id, p in synthesized.resources("AWS::StepFunctions::StateMachine")
        if s == stack and logical_id.startswith(name)
    ]
    return properties


def test_plumbing_bus_archive_and_event_log(synthesized) -> None:
    plumbing = template(synthesized, "Sma-Plumbing")
    plumbing.has_resource_properties("AWS::Events::EventBus", {"Name": TOPOLOGY.bus.name})
    plumbing.has_resource_properties(
        "AWS::Logs::LogGroup", {"LogGroupName": "/sma/plumbing/events", "RetentionInDays": Match.any_value()}
    )
    # EventBridge may write into the event log: the log group's resource policy says so.
    [(_, _, policy)] = [
        r for r in synthesized.resources("AWS::Logs::ResourcePolicy") if r[0] == "Sma-Plumbing"
    ]
    assert "events.amazonaws.com" in json.dumps(policy["PolicyDocument"])


@pytest.mark.parametrize("name", sorted(MACHINE_STACKS))
def test_state_machine_is_the_asl_file_with_its_substitutions(synthesized, name: str) -> None:
    spec = TOPOLOGY.state_machine(name)
    properties = _machine(synthesized, name)
    assert json.loads(properties["DefinitionString"]) == json.loads(spec.path.read_text())
    assert sorted(properties["DefinitionSubstitutions"]) == sorted(spec.substitutions)
    assert properties["StateMachineType"] == spec.type
    assert properties["TracingConfiguration"] == {"Enabled": True}
    # ERROR with execution data: the error events of failed executions are logged with their data, and
    # successful ones cost no log ingestion (Step Functions' log levels:
    # https://docs.aws.amazon.com/step-functions/latest/dg/cloudwatch-log-level.html).
    assert properties["LoggingConfiguration"]["Level"] == spec.log_level == "ERROR"
    assert properties["LoggingConfiguration"]["IncludeExecutionData"] is True
    for key, value in properties["DefinitionSubstitutions"].items():
        # Every substitution is a reference to a resource, never a literal baked in at synth time.
        assert isinstance(value, dict) or key == "LexLocaleId", (key, value)
    if "LexLocaleId" in properties["DefinitionSubstitutions"]:
        assert properties["DefinitionSubstitutions"]["LexLocaleId"] == TOPOLOGY.bot.locale


@pytest.mark.parametrize("name", sorted(MACHINE_STACKS))
def test_state_machine_role_allows_exactly_its_task_actions(synthesized, name: str) -> None:
    spec = TOPOLOGY.state_machine(name)
    stack = synthesized.templates[MACHINE_STACKS[name]]
    role_id = _machine(synthesized, name)["RoleArn"]["Fn::GetAtt"][0]
    actions: set[str] = set()
    for resource in stack["Resources"].values():
        if resource["Type"] == "AWS::IAM::Policy" and {"Ref": role_id} in resource["Properties"]["Roles"]:
            for statement in resource["Properties"]["PolicyDocument"]["Statement"]:
                listed = statement["Action"]
                actions.update([listed] if isinstance(listed, str) else listed)
    needed = {a for r in task_resources(json.loads(spec.path.read_text())) for a in iam_actions(r)}
    # X-Ray and log delivery come with tracing and logging; Rekognition reads photos as the caller.
    extras = {a for a in actions if a.startswith(("xray:", "logs:"))} | (
        {"s3:GetObject"} if name == "Analyse" else set()
    )
    assert actions == needed | extras


def test_iam_actions_follow_the_integration_names() -> None:
    assert iam_actions("arn:aws:states:::aws-sdk:comprehend:detectSentiment") == [
        "comprehend:DetectSentiment"
    ]
    assert iam_actions("arn:aws:states:::aws-sdk:lexruntimev2:recognizeText") == ["lex:RecognizeText"]
    assert iam_actions("arn:aws:states:::lambda:invoke") == ["lambda:InvokeFunction"]
    assert iam_actions("arn:aws:states:::events:putEvents") == ["events:PutEvents"]
    assert iam_actions("arn:aws:states:::dynamodb:updateItem") == ["dynamodb:UpdateItem"]


@pytest.mark.parametrize("name", sorted(FUNCTION_STACKS))
def test_function_runs_the_topology_handler_on_arm64(synthesized, name: str) -> None:
    spec = TOPOLOGY.function(name)
    template(synthesized, FUNCTION_STACKS[name]).has_resource_properties(
        "AWS::Lambda::Function",
        {
            "Handler": spec.handler,
            "Runtime": f"python{PYTHON_VERSION}",
            "Architectures": ["arm64"],
            "MemorySize": spec.memory_mb,
            "Timeout": spec.timeout_seconds,
            "LoggingConfig": Match.object_like({"LogFormat": "JSON"}),
            "TracingConfig": {"Mode": "Active"},
            **(
                {"Environment": {"Variables": {key: Match.any_value() for key in spec.environment}}}
                if spec.environment
                else {}
            ),
        },
    )


def test_secret_is_referenced_by_name_not_created(synthesized) -> None:
    assert synthesized.resources("AWS::SecretsManager::Secret") == []
    assert X_SECRET_ID in json.dumps(synthesized.templates["Sma-Ingress"])
    assert X_SECRET_ID in json.dumps(synthesized.templates["Sma-Egress"])


def test_ingress_api_stream_and_throttling(synthesized) -> None:
    ingress = template(synthesized, "Sma-Ingress")
    ingress.has_resource_properties(
        "AWS::Kinesis::Stream", {"StreamModeDetails": {"StreamMode": "ON_DEMAND"}}
    )
    ingress.has_resource_properties("AWS::ApiGateway::Resource", {"PathPart": "twitter"})
    methods = sorted(
        p["HttpMethod"] for s, _, p in synthesized.resources("AWS::ApiGateway::Method") if s == "Sma-Ingress"
    )
    assert methods == ["GET", "POST"]
    ingress.has_resource_properties(
        "AWS::ApiGateway::Stage",
        {
            "AccessLogSetting": Match.object_like({"DestinationArn": Match.any_value()}),
            "MethodSettings": Match.array_with(
                [
                    Match.object_like(
                        {"ThrottlingRateLimit": Match.any_value(), "ThrottlingBurstLimit": Match.any_value()}
                    )
                ]
            ),
        },
    )


def test_pipe_from_the_stream_to_ingest_as_declared(synthesized) -> None:
    spec = TOPOLOGY.pipe
    [(_, _, pipe)] = synthesized.resources("AWS::Pipes::Pipe")
    kinesis = pipe["SourceParameters"]["KinesisStreamParameters"]
    dead_letters = kinesis["DeadLetterConfig"]["Arn"]
    assert kinesis == spec.kinesis_stream_parameters(dead_letters)
    # Bounded failure handling (Pipes API reference, KinesisStreamParameters): bisection isolates a bad
    # record, retries and age are finite, and what still fails goes to an SQS dead-letter queue.
    assert kinesis["OnPartialBatchItemFailure"] == "AUTOMATIC_BISECT"
    assert 0 <= kinesis["MaximumRetryAttempts"] <= 10
    assert 60 <= kinesis["MaximumRecordAgeInSeconds"] <= TOPOLOGY.stream.retention_hours * 3600
    [queue_id] = [
        logical_id
        for stack, logical_id, _ in synthesized.resources("AWS::SQS::Queue")
        if stack == "Sma-Ingest" and logical_id.startswith(spec.dead_letter_queue)
    ]
    assert dead_letters == {"Fn::GetAtt": [queue_id, "Arn"]}
    assert pipe["TargetParameters"] == {
        "InputTemplate": spec.input_template,
        "StepFunctionStateMachineParameters": {"InvocationType": spec.invocation_type},
    }
    assert pipe["Target"]["Ref"].startswith(spec.target)
    assert "Fn::ImportValue" in json.dumps(pipe["Source"])  # the Ingress stack's stream


def test_the_pipe_may_send_to_its_dead_letter_queue_and_an_alarm_watches_it(synthesized) -> None:
    spec = TOPOLOGY.pipe
    ingest = template(synthesized, "Sma-Ingest")
    ingest.has_resource_properties(
        "AWS::IAM::Policy",
        {
            "PolicyDocument": {
                "Statement": Match.array_with(
                    [Match.object_like({"Action": Match.array_with(["sqs:SendMessage"]), "Effect": "Allow"})]
                )
            }
        },
    )
    alarms = [
        properties
        for stack, logical_id, properties in synthesized.resources("AWS::CloudWatch::Alarm")
        if logical_id.startswith(f"{spec.dead_letter_queue}Depth")
    ]
    [alarm] = alarms
    assert alarm["MetricName"] == "ApproximateNumberOfMessagesVisible"
    assert alarm["Threshold"] == 1
    assert alarm["AlarmActions"]  # notifies the alerts topic


def test_lex_bot_is_the_bot_definition(synthesized) -> None:
    definition = json.loads((ROOT / TOPOLOGY.bot.definition).read_text())
    [(_, _, bot)] = synthesized.resources("AWS::Lex::Bot")
    assert bot["BotLocales"] == definition["BotLocales"]
    assert bot["Name"] == definition["Name"]
    [(_, _, alias)] = synthesized.resources("AWS::Lex::BotAlias")
    assert alias["BotAliasName"] == TOPOLOGY.bot.alias
    assert synthesized.resources("AWS::Lex::BotVersion")


def test_content_files_are_deployed(synthesized) -> None:
    assert synthesized.resources("Custom::CDKBucketDeployment")


@pytest.mark.parametrize("spec", TOPOLOGY.tables, ids=lambda spec: spec.name)
def test_each_table_has_its_key_and_ttl_in_its_stack(synthesized, spec) -> None:
    # The shared idempotency records live with the shared plumbing; a service's own table with it.
    stack = "Sma-Plumbing" if spec.shared else "Sma-Egress"
    template(synthesized, stack).has_resource_properties(
        "AWS::DynamoDB::GlobalTable",
        {
            "KeySchema": [{"AttributeName": spec.partition_key, "KeyType": "HASH"}],
            "TimeToLiveSpecification": {"AttributeName": spec.ttl_attribute, "Enabled": True},
            "BillingMode": "PAY_PER_REQUEST",
        },
    )


def test_firehose_destination_is_the_topology_destination(synthesized) -> None:
    [(_, _, stream)] = synthesized.resources("AWS::KinesisFirehose::DeliveryStream")
    destination = dict(stream["ExtendedS3DestinationConfiguration"])
    bucket_arn, role_arn = destination.pop("BucketARN"), destination.pop("RoleARN")
    assert bucket_arn["Fn::GetAtt"][0].startswith(TOPOLOGY.delivery_stream.bucket)
    assert "Fn::GetAtt" in role_arn
    expected = TOPOLOGY.delivery_stream.destination("bucket")
    del expected["BucketARN"]
    assert destination == expected


def test_glue_table_has_the_lake_schema(synthesized) -> None:
    # The Glue table's columns, partition keys and projection are the topology's declaration, and its
    # partitions lie exactly where the stream's Firehose prefix writes (same keys, same folders).
    [table] = [
        p
        for _, _, p in synthesized.resources("AWS::Glue::Table")
        if p["TableInput"]["Name"] == TOPOLOGY.lake.name
    ]
    [(_, _, stream)] = synthesized.resources("AWS::KinesisFirehose::DeliveryStream")
    lake = TOPOLOGY.lake
    assert table["DatabaseName"] == lake.database
    table_input = table["TableInput"]
    assert table_input["Name"] == lake.name
    descriptor = table_input["StorageDescriptor"]
    assert [(c["Name"], c["Type"]) for c in descriptor["Columns"]] == [(c.name, c.type) for c in lake.columns]
    assert [(k["Name"], k["Type"]) for k in table_input["PartitionKeys"]] == [
        ("detail_type", "string"),
        ("day", "string"),
    ]
    assert descriptor["SerdeInfo"]["SerializationLibrary"] == "org.openx.data.jsonserde.JsonSerDe"
    prefix = stream["ExtendedS3DestinationConfiguration"]["Prefix"]
    assert prefix == "events/detail_type=!{partitionKeyFromQuery:detail_type}/day=!{timestamp:yyyy-MM-dd}/"
    parameters = table_input["Parameters"]
    assert parameters["projection.enabled"] == "true"
    assert parameters["projection.day.format"] == "yyyy-MM-dd"  # the pattern Firehose writes the day with
    # The location template is the bucket's name joined to the Firehose prefix's folders.
    template = parameters["storage.location.template"]["Fn::Join"]
    assert template[0] == ""
    assert template[1][0] == "s3://" and "Ref" in template[1][1]
    assert template[1][2] == "/events/detail_type=${detail_type}/day=${day}/"
    location = descriptor["Location"]["Fn::Join"][1]
    assert location[1] == template[1][1] and location[2] == "/" + lake.location


def test_the_seed_queries_read_a_view_of_the_table_stored_as_athena_stores_views(synthesized) -> None:
    # Athena keeps a view in Glue as a VIRTUAL_VIEW whose ViewOriginalText is "/* Presto View: <base64
    # JSON> */" (the shape public Athena-view modules write, e.g. iconara/terraform-aws-athena-view).
    tables = {
        properties["TableInput"]["Name"]: (stack, logical)
        for stack, logical, properties in synthesized.resources("AWS::Glue::Table")
    }
    stack, view_id = tables[TOPOLOGY.lake_view.name]
    _, table_id = tables[TOPOLOGY.lake.name]
    resource = synthesized.templates[stack]["Resources"][view_id]
    table_input = resource["Properties"]["TableInput"]
    assert table_input["TableType"] == "VIRTUAL_VIEW" and table_input["Parameters"]["presto_view"] == "true"
    text = table_input["ViewOriginalText"].removeprefix("/* Presto View: ").removesuffix(" */")
    document = json.loads(base64.b64decode(text))
    assert document["schema"] == TOPOLOGY.lake.database
    assert f'FROM "{TOPOLOGY.lake.name}"' in document["originalSql"]
    assert all(f'FROM "{TOPOLOGY.lake_view.name}"' in query for query in NAMED_QUERIES.values())
    assert table_id in resource.get("DependsOn", [])  # created after the table it reads


def test_athena_workgroup_holds_the_seed_queries(synthesized) -> None:
    queries = {p["Name"]: p["QueryString"] for _, _, p in synthesized.resources("AWS::Athena::NamedQuery")}
    assert queries == NAMED_QUERIES
    assert all(
        p["Database"] == TOPOLOGY.lake.database
        for _, _, p in synthesized.resources("AWS::Athena::NamedQuery")
    )


def test_lake_bucket_has_lifecycle_rules(synthesized) -> None:
    template(synthesized, "Sma-Analytics").has_resource_properties(
        "AWS::S3::Bucket",
        {"LifecycleConfiguration": {"Rules": Match.array_with([Match.object_like({"Prefix": "events/"})])}},
    )


def test_a_metric_filter_per_detail_type_and_alarms(synthesized) -> None:
    filters = synthesized.resources("AWS::Logs::MetricFilter")
    patterns = sorted(p["FilterPattern"] for _, _, p in filters)
    assert len(patterns) == len(DETAIL_TYPES)
    assert all(any(f'"{d}"' in p for p in patterns) for d in DETAIL_TYPES)
    assert {t["MetricNamespace"] for _, _, p in filters for t in p["MetricTransformations"]} == {NAMESPACE}
    alarms = synthesized.resources("AWS::CloudWatch::Alarm")
    queues = {t.dead_letter_queue for r in TOPOLOGY.rules for t in r.targets if t.dead_letter_queue}
    queues.add(TOPOLOGY.pipe.dead_letter_queue)
    assert len(alarms) == len(TOPOLOGY.state_machines) + len(queues)
    assert synthesized.resources("AWS::CloudWatch::Dashboard")


def test_task_resources_reach_every_nested_state() -> None:
    # Parallel states hold Branches; Map states an ItemProcessor (or the older Iterator): the ASL spec,
    # https://states-language.net/spec.html#parallel-state and #map-state. A Task in any of them needs
    # its IAM actions, so none may be missed.
    def task(resource: str) -> dict[str, object]:
        return {"Type": "Task", "Resource": resource, "End": True}

    def scope(state: dict[str, object]) -> dict[str, object]:
        return {"StartAt": "S", "States": {"S": state}}

    definition = {
        "StartAt": "Top",
        "States": {
            "Top": {**task("arn:aws:states:::sns:publish"), "End": False, "Next": "Fan"},
            "Fan": {
                "Type": "Parallel",
                "Next": "Each",
                "Branches": [
                    scope(task("arn:aws:states:::events:putEvents")),
                    scope({"Type": "Pass", "End": True}),
                ],
            },
            "Each": {
                "Type": "Map",
                "Next": "Old",
                "ItemProcessor": scope(task("arn:aws:states:::aws-sdk:s3:getObject")),
            },
            "Old": {"Type": "Map", "End": True, "Iterator": scope(task("arn:aws:states:::dynamodb:putItem"))},
        },
    }
    assert list(task_resources(definition)) == [
        "arn:aws:states:::sns:publish",
        "arn:aws:states:::events:putEvents",
        "arn:aws:states:::aws-sdk:s3:getObject",
        "arn:aws:states:::dynamodb:putItem",
    ]
