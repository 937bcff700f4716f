"""Tasks without a mocked response call the real service at the endpoint Step Functions Local's variables
name (AWS: "Setting configuration options for Step Functions Local": LAMBDA_ENDPOINT, SQS_ENDPOINT, …).

A Lambda function is invoked through Lambda's Invoke API (`POST /2015-03-31/functions/<name>/invocations`,
the payload as the body; a function error is flagged by `X-Amz-Function-Error`), and must work with the
small servers suites write for it, which answer without Content-Length and close the connection.
HTTP Tasks: "Call HTTPS APIs in Step Functions workflows" (result `Headers`, `ResponseBody`, `StatusCode`,
`StatusText`).
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from sfn_served import details


class MinimalLambda:
    """A Lambda endpoint as bare as they come: reads the request with a socket, answers HTTP/1.0 with no
    Content-Length and ends the body by closing the connection."""

    def __init__(self, answer: Callable[[str, dict], tuple[dict, bool]]) -> None:
        self.answer = answer
        self.requests: list[tuple[str, dict]] = []
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.sock.accept()
            except OSError:
                return
            with connection:
                data = b""
                while b"\r\n\r\n" not in data:
                    data += connection.recv(65536)
                head, _, body = data.partition(b"\r\n\r\n")
                length = next(
                    int(line.split(b":")[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length")
                )
                while len(body) < length:
                    body += connection.recv(65536)
                path = head.split(b" ")[1].decode()
                payload = json.loads(body)
                self.requests.append((path, payload))
                if b"x-amz-invocation-type: event" in head.lower():
                    # Lambda accepts an asynchronous invocation with 202 and no payload.
                    connection.sendall(b"HTTP/1.0 202 Accepted\r\n\r\n")
                    continue
                result, function_error = self.answer(path, payload)
                extra = b"X-Amz-Function-Error: Unhandled\r\n" if function_error else b""
                connection.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n" + extra + b"\r\n")
                connection.sendall(json.dumps(result).encode())

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def minimal_lambda() -> Iterator[Callable[..., MinimalLambda]]:
    servers = []

    def start(answer):
        server = MinimalLambda(answer)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


def test_lambda_tasks_call_lambda_endpoint_as_step_functions_local_does(serve, minimal_lambda):
    function = minimal_lambda(lambda path, event: ({"greeting": f"Hello, {event['name']}"}, False))
    served = serve(LAMBDA_ENDPOINT=function.url)
    machine = {
        "StartAt": "Optimised",
        "States": {
            "Optimised": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {
                    "FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:Greeter",
                    "Payload.$": "$",
                },
                "ResultSelector": {"greeting.$": "$.Payload.greeting", "status.$": "$.StatusCode"},
                "ResultPath": "$.optimised",
                "Next": "PlainArn",
            },
            "PlainArn": {
                "Type": "Task",
                "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Greeter",
                "Parameters": {"name": "plain"},
                "ResultPath": "$.plain",
                "End": True,
            },
        },
    }
    started = served.client.start_execution(
        stateMachineArn=served.create("Greet", machine), input='{"name": "Ada"}'
    )
    described = served.finish(started["executionArn"])
    assert described["status"] == "SUCCEEDED", described
    assert json.loads(described["output"]) == {
        "name": "Ada",
        "optimised": {"greeting": "Hello, Ada", "status": 200},
        "plain": {"greeting": "Hello, plain"},
    }
    assert function.requests == [
        ("/2015-03-31/functions/Greeter/invocations", {"name": "Ada"}),
        ("/2015-03-31/functions/Greeter/invocations", {"name": "plain"}),
    ]
    # A plain function ARN writes Lambda's own history events.
    types = [event["type"] for event in served.history(started["executionArn"])]
    assert "LambdaFunctionSucceeded" in types


def test_an_event_invocation_is_accepted_with_202(serve, minimal_lambda):
    # Lambda's Invoke API: InvocationType Event answers 202; Step Functions passes that StatusCode on.
    function = minimal_lambda(lambda path, event: ({}, False))
    served = serve(LAMBDA_ENDPOINT=function.url)
    machine = {
        "StartAt": "Notify",
        "States": {
            "Notify": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "Notify", "InvocationType": "Event", "Payload": {"n": 1}},
                "ResultSelector": {"status.$": "$.StatusCode"},
                "End": True,
            }
        },
    }
    started = served.client.start_execution(stateMachineArn=served.create("Async", machine))
    assert json.loads(served.finish(started["executionArn"])["output"]) == {"status": 202}
    assert function.requests == [("/2015-03-31/functions/Notify/invocations", {"n": 1})]


def test_a_function_error_fails_the_task_with_the_error_type(serve, minimal_lambda):
    error = {"errorMessage": "no name", "errorType": "KeyError", "stackTrace": []}
    function = minimal_lambda(lambda path, event: (error, True))
    served = serve(LAMBDA_ENDPOINT=function.url)
    machine = {
        "StartAt": "Call",
        "States": {
            "Call": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Parameters": {"FunctionName": "Greeter", "Payload": {}},
                "End": True,
            }
        },
    }
    started = served.client.start_execution(stateMachineArn=served.create("Fails", machine))
    described = served.finish(started["executionArn"])
    assert (described["status"], described["error"]) == ("FAILED", "KeyError")
    assert json.loads(described["cause"]) == error


class _FakeSqs(BaseHTTPRequestHandler):
    """SQS as botocore speaks to it (AWS JSON 1.0, X-Amz-Target AmazonSQS.SendMessage)."""

    received: ClassVar[list[tuple[str, dict]]] = []

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.received.append((self.headers["X-Amz-Target"], body))
        answer = json.dumps(
            {"MessageId": "m-1", "MD5OfMessageBody": "d41d8cd98f00b204e9800998ecf8427e"}
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format, *args):
        del format, args


def test_sqs_tasks_call_sqs_endpoint_and_mocks_take_precedence(serve, tmp_path):
    sqs = ThreadingHTTPServer(("127.0.0.1", 0), _FakeSqs)
    threading.Thread(target=sqs.serve_forever, daemon=True).start()
    mocks = tmp_path / "MockConfigFile.json"
    mocks.write_text(
        json.dumps(
            {
                "StateMachines": {"Queue": {"TestCases": {"Mocked": {"Send": "Sent"}}}},
                "MockedResponses": {"Sent": {"0": {"Return": {"MessageId": "mocked"}}}},
            }
        )
    )
    served = serve(SQS_ENDPOINT=f"http://127.0.0.1:{sqs.server_address[1]}", SFN_MOCK_CONFIG=str(mocks))
    machine = {
        "StartAt": "Send",
        "States": {
            "Send": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage",
                "Parameters": {
                    "QueueUrl": "http://queue.local/123456789012/orders",
                    "MessageBody": {"order.$": "$.order"},
                },
                "End": True,
            }
        },
    }
    arn = served.create("Queue", machine)
    real = served.client.start_execution(stateMachineArn=arn, input='{"order": 42}')
    assert json.loads(served.finish(real["executionArn"])["output"])["MessageId"] == "m-1"
    mocked = served.client.start_execution(stateMachineArn=arn + "#Mocked", input='{"order": 43}')
    assert json.loads(served.finish(mocked["executionArn"])["output"]) == {"MessageId": "mocked"}
    sqs.shutdown()
    sqs.server_close()
    # Only the unmocked execution reached SQS; the optimised integration sent the body as JSON text.
    assert [(target, body["MessageBody"]) for target, body in _FakeSqs.received] == [
        ("AmazonSQS.SendMessage", '{"order": 42}')
    ]


class _Api(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        status = 200 if body.get("ok") else 503
        answer = json.dumps({"echo": body, "path": self.path}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format, *args):
        del format, args


def test_http_invoke_calls_the_api_endpoint(served):
    api = ThreadingHTTPServer(("127.0.0.1", 0), _Api)
    threading.Thread(target=api.serve_forever, daemon=True).start()
    machine = {
        "StartAt": "Call",
        "States": {
            "Call": {
                "Type": "Task",
                "Resource": "arn:aws:states:::http:invoke",
                "Parameters": {
                    "ApiEndpoint": f"http://127.0.0.1:{api.server_address[1]}/orders",
                    "Method": "POST",
                    "QueryParameters": {"dry": "1"},
                    "RequestBody.$": "$",
                    "Authentication": {
                        "ConnectionArn": "arn:aws:events:us-east-1:123456789012:connection/x/y"
                    },
                },
                "ResultSelector": {"body.$": "$.ResponseBody", "status.$": "$.StatusCode"},
                "End": True,
            }
        },
    }
    arn = served.create("Http", machine)
    ok = served.client.start_execution(stateMachineArn=arn, input='{"ok": true}')
    assert json.loads(served.finish(ok["executionArn"])["output"]) == {
        "body": {"echo": {"ok": True}, "path": "/orders?dry=1"},
        "status": "200",
    }
    failing = served.client.start_execution(stateMachineArn=arn, input='{"ok": false}')
    described = served.finish(failing["executionArn"])
    api.shutdown()
    api.server_close()
    assert (described["status"], described["error"]) == ("FAILED", "States.Http.StatusCode.503")
    scheduled = next(e for e in served.history(failing["executionArn"]) if e["type"] == "TaskScheduled")
    assert (details(scheduled)["resourceType"], details(scheduled)["resource"]) == ("http", "invoke")


def test_nested_executions_run_on_this_server(served):
    # "Start a new AWS Step Functions state machine from a running execution" (AWS): startExecution returns
    # ExecutionArn and StartDate; .sync waits and returns the child's description with Output as JSON text,
    # .sync:2 with Output as JSON; a child that fails fails the task with States.TaskFailed. With no
    # STEP_FUNCTIONS_ENDPOINT the child runs here, where the parent runs.
    child = served.create(
        "Child",
        {
            "StartAt": "Check",
            "States": {
                "Check": {
                    "Type": "Choice",
                    "Choices": [{"Variable": "$.ok", "BooleanEquals": True, "Next": "Double"}],
                    "Default": "Refuse",
                },
                "Double": {
                    "Type": "Pass",
                    "Parameters": {"doubled.$": "States.MathAdd($.n, $.n)"},
                    "End": True,
                },
                "Refuse": {"Type": "Fail", "Error": "Refused", "Cause": "not ok"},
            },
        },
    )

    def parent(pattern):
        return {
            "StartAt": "RunChild",
            "States": {
                "RunChild": {
                    "Type": "Task",
                    "Resource": f"arn:aws:states:::states:startExecution{pattern}",
                    "Parameters": {"StateMachineArn": child, "Input.$": "$"},
                    "End": True,
                }
            },
        }

    sync2 = served.create("ParentSync2", parent(".sync:2"))
    done = served.client.start_execution(stateMachineArn=sync2, input='{"ok": true, "n": 21}')
    described = served.finish(done["executionArn"])
    assert described["status"] == "SUCCEEDED", described
    child_run = json.loads(described["output"])
    assert child_run["Status"] == "SUCCEEDED"
    assert child_run["Output"] == {"doubled": 42}
    assert child_run["StateMachineArn"] == child

    sync = served.create("ParentSync", parent(".sync"))
    done = served.client.start_execution(stateMachineArn=sync, input='{"ok": true, "n": 1}')
    assert json.loads(json.loads(served.finish(done["executionArn"])["output"])["Output"]) == {"doubled": 2}

    refused = served.client.start_execution(stateMachineArn=sync, input='{"ok": false}')
    described = served.finish(refused["executionArn"])
    assert (described["status"], described["error"]) == ("FAILED", "States.TaskFailed")
    assert json.loads(described["cause"])["Error"] == "Refused"

    fire_and_forget = served.create("ParentAsync", parent(""))
    done = served.client.start_execution(stateMachineArn=fire_and_forget, input='{"ok": true, "n": 2}')
    started = json.loads(served.finish(done["executionArn"])["output"])
    assert set(started) == {"ExecutionArn", "StartDate"}
    assert served.finish(started["ExecutionArn"])["status"] == "SUCCEEDED"
