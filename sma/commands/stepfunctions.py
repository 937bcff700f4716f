"""`sma stepfunctions serve`: the Step Functions API on the local engine, in place of Step Functions Local."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

stepfunctions_app = typer.Typer(
    help="Step Functions on this machine: a drop-in replacement for AWS's Step Functions Local.",
    no_args_is_help=True,
)


@stepfunctions_app.command("serve")
def serve(
    *,
    port: Annotated[
        int, typer.Option(help="TCP port (Step Functions Local's default; 0: any free port).")
    ] = 8083,
    host: Annotated[
        str, typer.Option(help="Address to listen on (0.0.0.0 to accept other machines).")
    ] = "127.0.0.1",
    mock_config: Annotated[
        Path | None, typer.Option("--mock-config", help="MockConfigFile.json (default: $SFN_MOCK_CONFIG).")
    ] = None,
    aws_account: Annotated[
        str | None,
        typer.Option(
            "--aws-account", help="Account of every ARN (default: $AWS_ACCOUNT_ID or 123456789012)."
        ),
    ] = None,
    aws_region: Annotated[
        str | None, typer.Option("--aws-region", help="Region of every ARN (default: us-east-1).")
    ] = None,
    wait_time_scale: Annotated[
        float | None,
        typer.Option(
            "--wait-time-scale",
            help="Multiplies Wait states and Retry intervals: 0.1 is ten times faster, 0 skips them "
            "(default: $WAIT_TIME_SCALE or 1, real time).",
        ),
    ] = None,
    lambda_endpoint: Annotated[
        str | None,
        typer.Option(
            "--lambda-endpoint", help="Lambda endpoint for tasks without a mock ($LAMBDA_ENDPOINT)."
        ),
    ] = None,
    compat: Annotated[
        str | None,
        typer.Option(
            "--compat",
            help="Where Step Functions Local and AWS differ, behave like 'sfn-local' (default) or 'aws' "
            "(default: $SFN_COMPAT).",
        ),
    ] = None,
) -> None:
    """Serve the Step Functions API (AWS JSON 1.0) for boto3, the AWS CLI and the other SDKs.

    Configured as Step Functions Local is: SFN_MOCK_CONFIG, #TestCase state machine ARNs, and
    LAMBDA_ENDPOINT, SQS_ENDPOINT, SNS_ENDPOINT, DYNAMODB_ENDPOINT, … for tasks that are not mocked."""
    import os

    from integrations.stepfunctions.api import Backend, from_environment, make_server, warm_up_in_background
    from workflows.harness.mock_config import MockConfigError

    environment = dict(os.environ)
    if lambda_endpoint:
        environment["LAMBDA_ENDPOINT"] = lambda_endpoint
    try:
        config = from_environment(
            environment,
            mock_config=mock_config,
            account=aws_account,
            region=aws_region,
            wait_time_scale=wait_time_scale,
            compat=compat,
        )
        backend = Backend(config)
        server = make_server(backend, host, port)
    except (ValueError, MockConfigError) as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(2) from error
    except OSError as error:
        typer.echo(
            f"error: cannot listen on {host}:{port} ({error.strerror}): choose another --port", err=True
        )
        raise typer.Exit(1) from error
    bound_port = server.server_address[1]
    # Step Functions Local's own start-up line: wrappers (testcontainers, scripts) wait for it.
    typer.echo(f"Starting server on port {bound_port} with account {config.account}, region {config.region}")
    if backend.mocks is not None:
        # Read again at every #TestCase StartExecution (as Step Functions Local does); say now if it is
        # unusable, without refusing to start: a suite may write the file after starting the server.
        try:
            backend.mocks.current()
            typer.echo(f"Loaded mock configuration from {config.mock_config}")
        except MockConfigError as error:
            typer.echo(f"warning: {error}", err=True)
    warm_up_in_background()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        typer.echo("stopped")
    finally:
        server.server_close()


def register(app: typer.Typer) -> None:
    app.add_typer(stepfunctions_app, name="stepfunctions")
