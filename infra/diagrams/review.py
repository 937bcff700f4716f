"""The review page: every workflow's graph, and one execution's path on its workflow, in one HTML file.

The page is self-contained (inline SVG, CSS and script, no network) so it can be mailed or attached to
a review. A domain expert sees which states ran, highlighted, and clicks a state for its input and
output, read from the execution's history (see `visits`).
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from infra.diagrams.dot import edge_id, render_svg, to_dot
from infra.diagrams.generate import diagram_name, machine_graph
from infra.diagrams.graph import Graph
from infra.diagrams.palette import HIGHLIGHT
from infra.diagrams.review_assets import CSS, JS
from infra.diagrams.visits import state_visits
from infra.topology import TOPOLOGY, StateMachine, Topology

_SVG_START = re.compile(r"^.*?(?=<svg)", re.DOTALL)
# The page may load nothing: inline style and script only, so opening it never reaches the network.
_POLICY = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:"
_HINT = "click a state for its input and output"


def machine_of(execution: dict[str, Any], topology: Topology = TOPOLOGY) -> StateMachine | None:
    """The topology's state machine an execution ran (its ARN ends with the machine's name)."""
    name = str(execution.get("state_machine_arn", "")).rsplit(":", 1)[-1]
    return next((m for m in topology.state_machines if m.name == name), None)


def review_page(execution: dict[str, Any] | None = None, topology: Topology = TOPOLOGY) -> str:
    """The page for an `ExecutionStore` row (or no execution: the graphs alone)."""
    machines = list(topology.state_machines)
    chosen = machine_of(execution, topology) if execution else None
    if chosen:  # the reviewed workflow first, so the page opens on its path
        machines.sort(key=lambda m: m is not chosen)
    sections, tables = [], {}
    for machine in machines:
        graph = machine_graph(machine)
        name = diagram_name(machine)
        tables[name] = _table(graph)
        svg = _SVG_START.sub("", render_svg(to_dot(graph)), count=1)
        kind = f"{machine.type.title()}, {html.escape(machine.definition)}"
        title = f"{html.escape(machine.name)} <small>({kind})</small>"
        sections.append(
            f'<section id="wf-{name}"><button class="zoom">actual size</button><h2>{title}</h2>'
            f"<p>{html.escape(machine.description)}</p>"
            f'<div class="graph">{svg}</div></section>'
        )
    run = _run(execution, chosen) if execution else None
    nav = " ".join(f'<a href="#wf-{diagram_name(m)}">{html.escape(m.name)}</a>' for m in machines)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_POLICY}">
<title>Workflow review{" — " + html.escape(execution["name"]) if execution else ""}</title>
<style>{CSS}</style></head>
<body>
<header><h1>Serverless Message Analyser — workflow review</h1>{_summary(execution, chosen)}</header>
<nav>{nav} <span class="legend"><span style="background:{HIGHLIGHT}">ran</span>{_HINT}</span></nav>
<main>{"".join(sections)}</main>
<aside id="details"><h3>State details</h3><p>Click a state in a graph.</p></aside>
<script type="application/json" id="graphs-data">{_json(tables)}</script>
<script type="application/json" id="execution-data">{_json(run)}</script>
<script>{JS}</script>
</body></html>
"""


def _table(graph: Graph) -> dict[str, Any]:
    """What the script needs of a graph: node id -> [state, label]; edge id -> [source, target]."""
    return {
        "nodes": {n.id: [n.state, n.label.replace("\n", " — ")] for n in graph.nodes if n.state},
        "edges": {edge_id(i): [e.source, e.target] for i, e in enumerate(graph.edges)},
    }


def _run(execution: dict[str, Any], machine: StateMachine | None) -> dict[str, Any]:
    return {
        "workflow": diagram_name(machine) if machine else None,
        "name": execution.get("name"),
        "status": execution.get("status"),
        "input": execution.get("input"),
        "output": execution.get("output"),
        "error": execution.get("error"),
        "cause": execution.get("cause"),
        "visits": state_visits(execution.get("history") or []),
    }


def _summary(execution: dict[str, Any] | None, machine: StateMachine | None) -> str:
    if not execution:
        return "<p>No execution chosen: the graphs alone (`sma review --execution NAME` marks a path).</p>"
    status = html.escape(str(execution.get("status")))
    where = html.escape(machine.name) if machine else "an unknown state machine"
    lines = [
        f"<p>Execution <b>{html.escape(str(execution.get('name')))}</b> of {where}: "
        f'<span class="status-{status}">{status}</span>, '
        f"started {html.escape(str(execution.get('start_date')))}</p>"
    ]
    if execution.get("error"):
        lines.append(
            f"<p>{html.escape(str(execution['error']))}: {html.escape(str(execution.get('cause')))}</p>"
        )
    return "".join(lines)


def _json(value: Any) -> str:
    """JSON for a <script> block: "</" cannot end the block early."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str).replace("</", "<\\/")
