"""`sma demo`: run the most end-to-end path that exists on the bundled samples and say what is missing.

Every line it prints comes from running real code; a part of the product that is not built yet is
named as such, never imitated.
"""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

# Parts of the bot not built yet, with the issue that builds each. Remove a line when it lands.
NOT_BUILT_YET: tuple[tuple[str, str], ...] = (
    ("ASL engine (workflows/engine)", "#3"),
    ("Local AI behind Comprehend / Rekognition / Lex", "#4"),
    ("Bus, archive, stream, pipes, SNS, Firehose, Athena on DuckDB", "#5"),
    ("Ingress, the five workflows, the Lambdas, the topology", "#6"),
    ("CDK app and cost model", "#7"),
    ("Generated diagrams and the review page", "#8"),
)


def demo() -> None:
    """Run the whole bot on the bundled samples and print what happened."""
    console = Console()
    console.rule("[bold]Serverless Message Analyser: demo")
    console.print("Nothing of the bot runs yet: the repository holds its foundation only.")
    table = Table(title="Not built yet", show_lines=False)
    table.add_column("Part")
    table.add_column("Issue")
    for part, issue in NOT_BUILT_YET:
        table.add_row(part, issue)
    console.print(table)


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
