"""`sma ai …` (warm up the offline models, serve them over AWS's wire protocols) and `sma faces …` (the
gallery of known people that the local Rekognition's RecognizeCelebrities names)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

ai_app = typer.Typer(
    help="The offline AI models behind the local Comprehend, Rekognition and Lex.", no_args_is_help=True
)
faces_app = typer.Typer(
    help="The gallery of known people (RecognizeCelebrities names them).", no_args_is_help=True
)
console = Console()

if TYPE_CHECKING:
    from integrations.ai.lex import LexRuntime
    from integrations.ai.rekognition import Rekognition


BOT_OPTION = typer.Option(
    None,
    "--bot",
    help="A Lex bot definition (AWS::Lex::Bot properties, as infra/bot.json) for the local Lex.",
    exists=True,
    dir_okay=False,
    readable=True,
)


def _lex(bot: Path | None) -> LexRuntime:
    from integrations.ai.bot import DEFAULT_BOT_FILE
    from integrations.ai.lex import LexRuntime

    try:
        return LexRuntime(bot or DEFAULT_BOT_FILE)
    except (ValueError, KeyError, TypeError) as error:
        why = f"no {error}" if isinstance(error, KeyError) else str(error)
        console.print(f"[red]{bot}: not a Lex bot definition ({why})[/red]")
        raise typer.Exit(1) from error


def _warm(lex: LexRuntime) -> None:
    """Load every model and embed the bot's sample utterances, printing how long each took."""
    import time

    from integrations.ai.warmup import load_all, peak_rss_mib

    table = Table(title="Models loaded")
    table.add_column("model")
    table.add_column("load time (s)", justify="right")
    with console.status("loading models…") as status:
        for name, seconds in load_all(lambda name: status.update(f"loading {name}…")):
            table.add_row(name, f"{seconds:.2f}")
        status.update("embedding the bot's sample utterances…")
        started = time.perf_counter()
        utterances = lex.prepare()
        table.add_row(
            f"Lex bot {lex.bot.name} ({utterances} utterances)", f"{time.perf_counter() - started:.2f}"
        )
    console.print(table)
    console.print(f"peak memory (RSS): {peak_rss_mib():.0f} MiB")


@ai_app.command("warmup")
def warmup(bot: Path | None = BOT_OPTION) -> None:
    """Load every model now (each loads once per process), embed the bot's utterances, print the times."""
    _warm(_lex(bot))


@ai_app.command("serve")
def serve(
    port: int = typer.Option(4566, help="TCP port on 127.0.0.1 (0: any free port)."),
    host: str = typer.Option("127.0.0.1", help="Address to listen on; keep it on loopback."),
    warm: bool = typer.Option(
        True, help="Load every model and embed the bot's utterances before accepting requests."
    ),
    bot: Path | None = BOT_OPTION,
) -> None:
    """Serve Comprehend, Rekognition and Lex V2 runtime over HTTP, for boto3 or `aws --endpoint-url`.

    Rekognition reads S3Object images from the local object store (`$SMA_HOME/s3`)."""
    from integrations.ai.server import make_server
    from integrations.ai.services import AiServices
    from integrations.objectstore import ObjectStore
    from sma.local_state import state_layout

    layout = state_layout()
    services = AiServices.local(layout.face_collections, ObjectStore(layout.objects).read)
    services.lex = _lex(bot)
    if warm:
        _warm(services.lex)
    try:
        server = make_server(services, host, port)
    except OSError as error:
        console.print(f"[red]cannot listen on {host}:{port} ({error.strerror}): choose another --port[/red]")
        raise typer.Exit(1) from error
    address = f"http://{host}:{server.server_address[1]}"
    console.print(f"serving Comprehend, Rekognition and Lex V2 runtime on {address} (Ctrl+C stops)")
    console.print(
        f"  try: aws comprehend detect-sentiment --endpoint-url {address} --language-code en --text 'hi'"
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        console.print("stopped")
    finally:
        server.server_close()


def _rekognition() -> Rekognition:
    """The local Rekognition of this state folder (`sma faces` enrols into its gallery)."""
    from integrations.ai.rekognition import Rekognition
    from integrations.ai.vision.face_store import FaceStore
    from sma.local_state import state_layout

    return Rekognition(FaceStore(state_layout().face_collections))


@faces_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help='The person\'s name, e.g. "Eileen Collins".')],
    images: Annotated[
        list[Path], typer.Argument(help="JPEG or PNG photos, each showing this person's face.")
    ],
) -> None:
    """Enrol a person from one or more photos (the most confident face in each photo)."""
    from integrations.ai.rekognition import external_id
    from integrations.errors import ServiceError

    rekognition = _rekognition()
    if not rekognition.store.exists(rekognition.gallery):
        rekognition.create_collection({"CollectionId": rekognition.gallery})
    failures = 0
    for image in images:
        try:
            data = image.read_bytes()
            result = rekognition.index_faces(
                {
                    "CollectionId": rekognition.gallery,
                    "Image": {"Bytes": data},
                    "ExternalImageId": external_id(name),
                    "MaxFaces": 1,
                }
            )
        except (OSError, ServiceError) as error:
            console.print(f"[red]{image}: {getattr(error, 'message', error)}[/red]")
            failures += 1
            continue
        if not result["FaceRecords"]:
            reasons = sorted({reason for face in result["UnindexedFaces"] for reason in face["Reasons"]})
            why = f"a face was found but left out ({', '.join(reasons)})" if reasons else "no face found"
            console.print(
                f"[yellow]{image}: {why}; use a photo where the face is large, clear and frontal[/yellow]"
            )
            failures += 1
            continue
        face = result["FaceRecords"][0]["Face"]
        console.print(
            f"{image}: enrolled {name} (face {face['FaceId']}, confidence {face['Confidence']:.1f})"
        )
    if failures:
        raise typer.Exit(1)


@faces_app.command("list")
def list_faces() -> None:
    """List the enrolled people and their faces."""
    from integrations.ai.rekognition import display_name

    rekognition = _rekognition()
    if not rekognition.store.exists(rekognition.gallery):
        console.print("The gallery is empty: enrol someone with `sma faces add NAME IMAGE…`.")
        return
    table = Table(title=f"Gallery ({rekognition.gallery})")
    for column in ("name", "face id", "image id", "confidence"):
        table.add_column(column)
    for face in rekognition.list_faces({"CollectionId": rekognition.gallery})["Faces"]:
        table.add_row(
            display_name(face.get("ExternalImageId", "?")),
            face["FaceId"],
            face["ImageId"],
            f"{face['Confidence']:.1f}",
        )
    console.print(table)


@faces_app.command("remove")
def remove(name: Annotated[str, typer.Argument(help="The enrolled person's name.")]) -> None:
    """Remove every face enrolled under NAME."""
    from integrations.ai.rekognition import external_id

    rekognition = _rekognition()
    faces = (
        rekognition.list_faces({"CollectionId": rekognition.gallery})["Faces"]
        if rekognition.store.exists(rekognition.gallery)
        else []
    )
    ids = [face["FaceId"] for face in faces if face.get("ExternalImageId") == external_id(name)]
    if not ids:
        console.print(f"[red]{name} is not in the gallery (see `sma faces list`)[/red]")
        raise typer.Exit(1)
    rekognition.delete_faces({"CollectionId": rekognition.gallery, "FaceIds": ids})
    console.print(f"removed {len(ids)} face(s) of {name}")


def register(app: typer.Typer) -> None:
    app.add_typer(ai_app, name="ai")
    app.add_typer(faces_app, name="faces")
