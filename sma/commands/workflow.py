"""`sma workflow`: validate ASL files, run one execution with a readable trace, run mock-config test cases.

The work happens in `workflows.validation` and `workflows.harness`; this module reads the options,
calls them and prints. Mistakes a user can make on the command line exit with code 2 and one line.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

DEFAULT_DIRECTORY = Path("workflows")
PIPED_WIDTH = 140
SUBSTITUTION = typer.Option("--substitution", "-s", help="Resolve ${NAME} first (NAME=VALUE, repeatable).")

group = typer.Typer(
    name="workflow",
    help="Validate, run and test the ASL state machines (workflows/*.asl.json) on the local engine.",
    no_args_is_help=True,
)


def _console() -> Console:
    """Standard output; piped output has no terminal width to fit, and 80 columns would squeeze tables."""
    console = Console(highlight=False, soft_wrap=True)
    if not console.is_terminal:
        console.width = PIPED_WIDTH
    return console


def _usage_error(message: str) -> typer.Exit:
    """A mistake on the command line: one line on stderr, exit code 2."""
    Console(stderr=True, highlight=False, soft_wrap=True).print(f"[red]error:[/red] {escape(message)}")
    return typer.Exit(2)


def _substitutions(pairs: list[str] | None) -> dict[str, str] | None:
    if not pairs:
        return None
    result = {}
    for pair in pairs:
        name, separator, value = pair.partition("=")
        if not separator or not name:
            raise _usage_error(f"--substitution {pair!r} must look like NAME=VALUE")
        result[name] = value
    return result


def _read_input(text: str) -> Any:
    """`--input`: JSON text, or `@path` to read the JSON from a file."""
    source = "--input"
    if text.startswith("@"):
        path = Path(text[1:])
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise _usage_error(f"--input file {path} not found") from None
        except OSError as exc:
            raise _usage_error(f"--input file {path} cannot be read ({exc.strerror})") from None
        source = f"--input file {path}"
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise _usage_error(
            f"{source} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None


@group.command("validate")
def validate_command(
    files: Annotated[
        list[Path] | None, typer.Argument(help="ASL files; default: every workflows/*.asl.json.")
    ] = None,
    *,
    substitution: Annotated[list[str] | None, SUBSTITUTION] = None,
) -> None:
    """Check ASL definitions statically, and the NAME.mock.json beside each; exit 1 if any has an error."""
    from workflows.harness.suite import DEFINITION_SUFFIX, definition_paths
    from workflows.validation import validate

    console = _console()

    substitutions = _substitutions(substitution)
    paths = list(files or definition_paths(DEFAULT_DIRECTORY))
    if not paths:
        console.print(f"No {DEFAULT_DIRECTORY / ('*' + DEFINITION_SUFFIX)} files found: nothing to validate.")
        return
    for path in paths:
        if not path.is_file():
            raise _usage_error(f"{path}: no such file")
    failed = 0
    for path in paths:
        problems = validate(path.read_text(encoding="utf-8"), substitutions=substitutions)
        mock_path, mock_problems = _mock_config_problems(path)
        if not problems and not mock_problems:
            console.print(f"[green]✓[/green] {escape(str(path))}")
            continue
        failed += any(problem.is_error for problem in problems) or bool(mock_problems)
        for problem in problems:
            colour = "red" if problem.is_error else "yellow"
            text = escape(f"{path}: {problem.location}: {problem.message}")
            console.print(f"[{colour}]{problem.severity.value}[/{colour}] {text}")
        for message in mock_problems:
            console.print(f"[red]error[/red] {escape(f'{mock_path}: {message}')}")
    if failed:
        console.print(f"{failed} of {len(paths)} definition(s) have errors.")
        raise typer.Exit(1)


def _mock_config_problems(definition_path: Path) -> tuple[Path, list[str]]:
    """The mock config beside an ASL file (`x.asl.json` -> `x.mock.json`) and its problems, if it exists."""
    from workflows.harness.definition import DefinitionFileError, load_definition
    from workflows.harness.mock_config import MockConfigError, load_mock_config
    from workflows.harness.runner import mock_config_problems
    from workflows.harness.suite import DEFINITION_SUFFIX, machine_name, mock_config_path

    name, mock_path = machine_name(definition_path), mock_config_path(definition_path)
    if not definition_path.name.endswith(DEFINITION_SUFFIX) or not mock_path.is_file():
        return mock_path, []
    try:
        definition = load_definition(definition_path)
    except DefinitionFileError:
        return mock_path, []  # validate() has reported why the definition is unreadable
    try:
        return mock_path, mock_config_problems(definition, load_mock_config(mock_path), name)
    except MockConfigError as exc:
        return mock_path, [str(exc).removeprefix(f"{mock_path}: ")]


def _format_duration(delta: timedelta | float) -> str:
    seconds = delta.total_seconds() if isinstance(delta, timedelta) else delta
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 120:
        return f"{seconds:.1f} s"
    return f"{seconds / 60:.1f} min"


def print_trace(console: Console, execution: Any) -> None:
    from workflows.harness.trace import trace

    rows = trace(execution.history)
    table = Table(title="Trace", title_justify="left")
    for column in ("#", "state", "type", "start", "duration", "outcome", "retries", "error"):
        table.add_column(column, no_wrap=column not in ("outcome", "error"))
    for number, row in enumerate(rows, start=1):
        label = "  " * row.depth + row.state + (f" [{row.iteration}]" if row.iteration is not None else "")
        colour = {"succeeded": "green", "failed": "red"}.get(row.outcome, "yellow")
        table.add_row(
            str(number),
            escape(label),
            row.type,
            "+" + _format_duration(row.offset),
            _format_duration(row.duration),
            f"[{colour}]{escape(row.outcome)}[/{colour}]",
            str(row.retries) if row.retries else "",
            escape(row.error or ""),
        )
    console.print(table)
    # Causes are long sentences: under the table, numbered like their rows, rather than squeezed into it.
    for number, row in enumerate(rows, start=1):
        if row.cause:
            console.print(f"  #{number} {escape(row.state)}: {escape(row.cause)}")


def _print_result(console: Console, execution: Any) -> None:
    colour = "green" if execution.status == "SUCCEEDED" else "red"
    console.print(
        f"Status: [{colour}]{execution.status}[/{colour}]  ({_format_duration(execution.duration)})"
    )
    if execution.status == "SUCCEEDED":
        console.print("Output:")
        console.print_json(json.dumps(execution.output))
    else:
        console.print(f"Error: {escape(str(execution.error))}")
        console.print(f"Cause: {escape(str(execution.cause))}")


@group.command("run")
def run_command(
    file: Annotated[Path, typer.Argument(help="The ASL file, e.g. workflows/analyse.asl.json.")],
    *,
    input_text: Annotated[
        str, typer.Option("--input", "-i", help="Execution input: JSON, or @file.json.")
    ] = "{}",
    mock_config: Annotated[
        Path | None, typer.Option("--mock-config", help="A Step Functions Local mock config file.")
    ] = None,
    case: Annotated[str | None, typer.Option("--case", help="The mock config test case to run.")] = None,
    name: Annotated[
        str | None, typer.Option("--name", help="The execution name (as StartExecution --name).")
    ] = None,
    state_machine: Annotated[
        str | None,
        typer.Option(
            "--state-machine", help="State machine name in the mock config; default: from the file name."
        ),
    ] = None,
    substitution: Annotated[list[str] | None, SUBSTITUTION] = None,
    machine_type: Annotated[
        str, typer.Option("--type", help="STANDARD or EXPRESS (Express: 5-minute limit, express ARNs).")
    ] = "STANDARD",
    real_time: Annotated[
        bool,
        typer.Option(
            "--real-time", help="Really wait in Wait states and retry back-offs (default: simulated)."
        ),
    ] = False,
) -> None:
    """Run one execution and print a state-by-state trace and the output; exit 1 unless it succeeded."""
    from workflows.engine import DefinitionError, ManualClock, SystemClock, execute
    from workflows.harness.definition import DefinitionFileError, load_definition
    from workflows.harness.mock_config import MockConfigError
    from workflows.harness.runner import run_test_case
    from workflows.harness.suite import machine_name

    console = _console()
    if (mock_config is None) != (case is None):
        raise _usage_error("--mock-config and --case go together: give both or neither")
    if machine_type not in ("STANDARD", "EXPRESS"):
        raise _usage_error(f"--type must be STANDARD or EXPRESS, got {machine_type!r}")
    payload = _read_input(input_text)
    options: dict[str, Any] = {
        "clock": SystemClock() if real_time else ManualClock(),
        "state_machine_type": machine_type,
    }
    if name is not None:
        options["name"] = name
    substitutions = _substitutions(substitution)
    if substitutions is not None:
        options["substitutions"] = substitutions
    try:
        definition = load_definition(file)
        if mock_config is not None and case is not None:
            machine = state_machine or machine_name(file)
            execution = run_test_case(definition, machine, case, payload, mock_config, **options)
        else:
            execution = execute(definition, payload, **options)
    except (DefinitionFileError, MockConfigError) as exc:
        raise _usage_error(str(exc)) from None
    except DefinitionError as exc:
        raise _usage_error(
            f"{file}: cannot run: {exc} (sma workflow validate {file} lists every problem)"
        ) from None
    print_trace(console, execution)
    _print_result(console, execution)
    if execution.status != "SUCCEEDED":
        raise typer.Exit(1)


@group.command("test")
def test_command(
    name: Annotated[
        str | None,
        typer.Argument(
            help="State machine NAME: runs NAME.asl.json with NAME.mock.json; default: every NAME.mock.json."
        ),
    ] = None,
    *,
    case: Annotated[str | None, typer.Option("--case", help="Run only this test case (needs NAME).")] = None,
    directory: Annotated[Path, typer.Option("--dir", help="Where the NAME.* files are.")] = DEFAULT_DIRECTORY,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Print each case's trace.")] = False,
) -> None:
    """Run the mock-config test cases of state machines and print pass/fail per case; exit 1 on a failure."""
    from workflows.engine import DefinitionError, ManualClock
    from workflows.harness.definition import DefinitionFileError
    from workflows.harness.mock_config import MockConfigError
    from workflows.harness.suite import MOCK_SUFFIX, SuiteError, load_suite, suite_names

    console = _console()
    if case is not None and name is None:
        raise _usage_error("--case needs the state machine NAME")
    names = [name] if name is not None else suite_names(directory)
    if not names:
        console.print(f"No {directory / ('*' + MOCK_SUFFIX)} files found: no test cases to run.")
        return
    results = []
    for each in names:
        try:
            suite = load_suite(each, directory)
            results += [
                (each, suite.run(one, clock=ManualClock())) for one in ([case] if case else suite.cases)
            ]
        except (DefinitionFileError, MockConfigError, SuiteError) as exc:
            raise _usage_error(str(exc)) from None
        except DefinitionError as exc:
            raise _usage_error(
                f"{each}: cannot run: {exc} (sma workflow validate lists every problem)"
            ) from None
    for machine, result in results:
        if verbose:
            print_trace(console, result.execution)
        mark = "[green]PASS[/green]" if result.passed else "[red]FAIL[/red]"
        console.print(f"{mark} {escape(machine)} #{escape(result.case.name)}")
        for failure in result.failures:
            for line in failure.splitlines():
                console.print(f"     {escape(line)}")
    failed = sum(not result.passed for _, result in results)
    console.print(f"{len(results) - failed} passed, {failed} failed")
    if failed:
        raise typer.Exit(1)


@group.command("mock-config")
def mock_config_command(
    directory: Annotated[
        Path, typer.Option("--dir", help="Where the NAME.mock.json files are.")
    ] = DEFAULT_DIRECTORY,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
) -> None:
    """Merge every NAME.mock.json into one MockConfigFile for Step Functions Local's SFN_MOCK_CONFIG."""
    from workflows.harness.mock_config import MockConfigError, merge_mock_configs
    from workflows.harness.suite import MOCK_SUFFIX, mock_config_paths

    paths = mock_config_paths(directory)
    if not paths:
        raise _usage_error(f"no {directory / ('*' + MOCK_SUFFIX)} files to merge")
    try:
        text = json.dumps(merge_mock_configs(paths), indent=2) + "\n"
    except MockConfigError as exc:
        raise _usage_error(str(exc)) from None
    if output is None:
        typer.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    _console().print(f"Wrote {escape(str(output))} from {len(paths)} mock config(s).")


def register(app: typer.Typer) -> None:
    app.add_typer(group)
