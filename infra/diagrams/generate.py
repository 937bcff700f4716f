"""Writes every diagram under `docs/diagrams/`: per workflow and for the system, `<name>.mmd` and
`<name>.svg`. Output is deterministic (ASL and topology order, no timestamps), so a stale copy is
found by regenerating into another folder and comparing bytes (`stale_files`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from infra.diagrams.asl_graph import workflow_graph
from infra.diagrams.dot import render_svg, to_dot
from infra.diagrams.graph import Graph
from infra.diagrams.mermaid import to_mermaid
from infra.diagrams.system_graph import system_graph
from infra.topology import ROOT, TOPOLOGY, StateMachine, Topology

DIAGRAMS = ROOT / "docs" / "diagrams"
# Files in the folder that are not generated (and so are neither compared nor removed).
HAND_WRITTEN = frozenset({"README.md"})


def diagram_name(machine: StateMachine) -> str:
    """`analyse.asl.json` -> `analyse`: a workflow's diagrams are named after its ASL file."""
    return machine.definition.removesuffix(".asl.json")


def machine_graph(machine: StateMachine) -> Graph:
    definition = json.loads(machine.path.read_text(encoding="utf-8"))
    # Lambda tasks name their function through a substitution; the topology says which function it is.
    functions = {key: ref.name for key, ref in machine.substitutions.items() if ref.kind == "function"}
    title = f"{machine.name} ({machine.type.title()}): {machine.definition}"
    return workflow_graph(definition, diagram_name(machine), title, functions)


def graphs(topology: Topology = TOPOLOGY) -> Iterator[tuple[Graph, str]]:
    """Each graph with its layout direction: workflows top to bottom, the system left to right."""
    yield system_graph(topology), "LR"
    for machine in topology.state_machines:
        yield machine_graph(machine), "TB"


def generate(folder: Path = DIAGRAMS, topology: Topology = TOPOLOGY) -> list[Path]:
    """Writes all diagrams into `folder`; returns the files written, sorted."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for graph, direction in graphs(topology):
        mermaid = folder / f"{graph.name}.mmd"
        mermaid.write_text(to_mermaid(graph, "TD" if direction == "TB" else direction), encoding="utf-8")
        svg = folder / f"{graph.name}.svg"
        svg.write_text(render_svg(to_dot(graph, direction)), encoding="utf-8")
        written += [mermaid, svg]
    return sorted(written)


def stale_files(folder: Path, fresh: Path) -> list[str]:
    """Names of files that differ between `folder` and a `fresh` generation, or exist in only one."""
    names = {p.name for p in folder.iterdir() if p.is_file()} | {
        p.name for p in fresh.iterdir() if p.is_file()
    }
    stale = []
    for name in sorted(names - HAND_WRITTEN):
        old, new = folder / name, fresh / name
        if not old.is_file() or not new.is_file() or old.read_bytes() != new.read_bytes():
            stale.append(name)
    return stale
