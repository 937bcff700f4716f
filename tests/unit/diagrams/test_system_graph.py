"""The system diagram holds every rule (with its pattern in words), target and store of the topology."""

from __future__ import annotations

from infra.diagrams.patterns import describe_pattern
from infra.diagrams.system_graph import system_graph
from infra.topology import TOPOLOGY


def test_every_rule_is_drawn_with_its_pattern_and_its_targets() -> None:
    graph = system_graph(TOPOLOGY)
    for rule in TOPOLOGY.rules:
        node = graph.node(f"rule_{rule.name}")
        assert node.label.split("\n", 1)[0] == rule.name
        assert " ".join(node.label.split()[1:]) == " ".join(describe_pattern(rule.pattern).split())
        targets = [graph.node(e.target).label.split("\n")[0] for e in graph.edges if e.source == node.id]
        assert targets == [target.resource for target in rule.targets]


def test_the_ingress_path_and_the_stores() -> None:
    graph = system_graph(TOPOLOGY)
    path = [(graph.node(e.source).kind, graph.node(e.target).kind) for e in graph.edges[:4]]
    assert path == [
        ("external", "function"),
        ("function", "stream"),
        ("stream", "pipe"),
        ("pipe", "state_machine"),
    ]
    stores = {n.label.split("\n")[0] for n in graph.nodes if n.kind == "store"}
    assert {"Media", "Content", "Lake", "EgressGuard", "ServerlessMessageAnalyserBot"} <= stores
    uses = {(e.source, e.target) for e in graph.edges if e.style == "uses"}
    assert ("sm_Egress", "table_EgressGuard") in uses and ("sm_Analyse", "fn_DownloadImages") in uses
    publishers = {e.source for e in graph.edges if e.target == "bus"}
    assert publishers == {f"sm_{m.name}" for m in TOPOLOGY.state_machines}
