"""Local, real implementations of the AWS services the workflows and rules call: the AI services
(Comprehend, Rekognition, Lex V2 runtime) backed by offline models, the EventBridge-compatible bus with
archive and replay, the Kinesis-like stream with Pipes, SNS topics, Firehose delivery into the data
lake, the object store, secrets and Athena-compatible SQL on DuckDB.

Each accepts and returns the AWS API's own request and response shapes and fails with AWS's error codes.
"""
