"""The data lake's table: every event on the Plumbing bus, as Firehose lands it (one EventBridge
envelope per line), typed for the domain events of DESIGN.md §4.

This is data, not code: the lead moves it into `infra/topology.py`. The inner shapes of `Analysis` are
Comprehend's and Rekognition's own, so the seeds' queries (`celebrityfaces.name`, `labels.name`,
`detail.analysis.textsentiment`) work against it unchanged. Fields an event type does not carry read
as NULL; events of other types (the raw `TWITTER_*` ones) still appear with their envelope columns.
"""

from __future__ import annotations

from integrations.athena.tables import Column, TableDefinition

# The local cloud's name for the topology's "Lake" bucket (sma-<name>-<account>), its delivery stream's
# prefix and its Glue database, so `sma query` reads what the running local cloud writes.
LAKE_BUCKET = "sma-lake-123456789012"
LAKE_PREFIX = "events/"
LAKE_TABLE_NAME = "analysed-messages-table"  # the name the seeds' queries use
LAKE_DATABASE = "messages_data_lake"

BOUNDING_BOX = "struct<Width:double,Height:double,Left:double,Top:double>"
POINT = "struct<X:double,Y:double>"
LANDMARKS = "array<struct<Type:string,X:double,Y:double>>"
POSE = "struct<Roll:double,Yaw:double,Pitch:double>"
QUALITY = "struct<Brightness:double,Sharpness:double>"
FACE = (
    f"struct<BoundingBox:{BOUNDING_BOX},Confidence:double,Landmarks:{LANDMARKS},Pose:{POSE},Quality:{QUALITY},"
    "Emotions:array<struct<Type:string,Confidence:double>>,Smile:struct<Value:boolean,Confidence:double>>"
)
LABEL = (
    "struct<Name:string,Confidence:double,Instances:array<struct<BoundingBox:"
    f"{BOUNDING_BOX},Confidence:double>>,Parents:array<struct<Name:string>>,"
    "Aliases:array<struct<Name:string>>,Categories:array<struct<Name:string>>>"
)
TEXT_DETECTION = (
    "struct<DetectedText:string,Type:string,Id:int,ParentId:int,Confidence:double,"
    f"Geometry:struct<BoundingBox:{BOUNDING_BOX},Polygon:array<{POINT}>>>"
)
CELEBRITY = (
    "struct<Name:string,Id:string,Urls:array<string>,MatchConfidence:double,"
    f"KnownGender:struct<Type:string>,Face:{FACE}>"
)
IMAGE_ANALYSIS = (
    f"struct<Labels:array<{LABEL}>,TextDetections:array<{TEXT_DETECTION}>,"
    f"CelebrityFaces:array<{CELEBRITY}>,UnrecognizedFaces:array<{FACE}>>"
)
ENTITY = "struct<BeginOffset:int,EndOffset:int,Score:double,Text:string,Type:string>"
KEY_PHRASE = "struct<BeginOffset:int,EndOffset:int,Score:double,Text:string>"
TOXICITY = (
    "struct<Toxicity:double,Labels:array<struct<Name:string,Score:double>>,AbusiveLabels:string,Error:string>"
)
# TextEntities and KeyPhrases are no longer produced; their columns stay for the events already in the lake.
ANALYSIS = (
    "struct<TextSentiment:string,"
    "TextSentimentScore:struct<Positive:double,Negative:double,Neutral:double,Mixed:double>,"
    f"TextEntities:array<{ENTITY}>,Language:string,AnalysedInEnglish:array<string>,Toxicity:{TOXICITY},"
    f"KeyPhrases:array<{KEY_PHRASE}>,"
    f"Images:array<struct<Key:string,Analysis:{IMAGE_ANALYSIS},Error:string>>>"
)
DETAIL = (
    "struct<Text:string,ImageUrls:array<string>,Author:string,Twitter:struct<TweetId:string,UserId:string>,"
    f"Language:string,ReceivedAt:string,Analysis:{ANALYSIS},Error:string,Cause:string,"
    "ReplyToTweetId:string,ReplyToUserId:string,ImageKey:string,"
    "Result:struct<Posted:boolean,TweetId:string,MediaIds:array<string>,Outbox:string,Image:string>>"
)

LAKE_TABLE = TableDefinition(
    name=LAKE_TABLE_NAME,
    database=LAKE_DATABASE,
    bucket=LAKE_BUCKET,
    prefix=LAKE_PREFIX,
    description="Every event on the Plumbing bus (EventBridge envelope, one JSON document per line).",
    columns=(
        Column("version", "string"),
        Column("id", "string", "the event id"),
        Column("detail-type", "string"),
        Column("source", "string"),
        Column("account", "string"),
        Column("time", "string", "ISO-8601 UTC, as EventBridge writes it"),
        Column("region", "string"),
        Column("resources", "array<string>"),
        Column("detail", DETAIL),
    ),
)

# The Firehose destination that fills this table (Firehose's ExtendedS3DestinationConfiguration):
# newline after each event, one folder per detail-type, 60 s / 1 MiB buffers as in the seeds.
LAKE_FIREHOSE_DESTINATION = {
    "BucketARN": f"arn:aws:s3:::{LAKE_BUCKET}",
    "Prefix": LAKE_PREFIX
    + "detail-type=!{partitionKeyFromQuery:detailType}/!{timestamp:yyyy}/!{timestamp:MM}/!{timestamp:dd}/",
    "ErrorOutputPrefix": "errors/!{firehose:error-output-type}/!{timestamp:yyyy}/!{timestamp:MM}/",
    "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 60},
    "DynamicPartitioningConfiguration": {"Enabled": True},
    "ProcessingConfiguration": {
        "Enabled": True,
        "Processors": [
            {
                "Type": "AppendDelimiterToRecord",
                "Parameters": [{"ParameterName": "Delimiter", "ParameterValue": "\\n"}],
            },
            {
                "Type": "MetadataExtraction",
                "Parameters": [
                    {
                        "ParameterName": "MetadataExtractionQuery",
                        "ParameterValue": '{detailType: .["detail-type"]}',
                    },
                    {"ParameterName": "JsonParsingEngine", "ParameterValue": "JQ-1.6"},
                ],
            },
        ],
    },
}
