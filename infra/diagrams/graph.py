"""The neutral graph both renderers draw: nodes, edges and nested clusters, in a fixed order.

Every list keeps insertion order, and builders insert in a deterministic order (ASL order, topology
order), so the Mermaid and DOT text written from a graph is byte-identical from run to run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# What a node stands for; each renderer maps a kind to a shape and a colour.
NodeKind = Literal[
    # workflow states
    "start",
    "end",
    "task",
    "lambda",
    "choice",
    "pass",
    "wait",
    "succeed",
    "fail",
    "fork",
    "join",
    # system resources
    "external",
    "function",
    "stream",
    "pipe",
    "state_machine",
    "bus",
    "rule",
    "topic",
    "log",
    "delivery",
    "store",
    "queue",
]
# How an edge is drawn: the normal flow, a Choice's default, a Retry loop, a Catch, or a data access.
EdgeStyle = Literal["flow", "default", "retry", "catch", "uses"]
ClusterKind = Literal["parallel", "map", "branch", "group"]


@dataclass(frozen=True)
class Node:
    id: str
    label: str  # first line: the name; further lines (separated by "\n"): what it does
    kind: NodeKind
    cluster: str | None = None  # the id of the innermost cluster holding it
    state: str | None = None  # the ASL state name it draws (workflow graphs only)


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str = ""
    style: EdgeStyle = "flow"


@dataclass(frozen=True)
class Cluster:
    id: str
    label: str
    kind: ClusterKind
    parent: str | None = None


@dataclass
class Graph:
    name: str
    title: str
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)

    def node(self, node_id: str) -> Node:
        for node in self.nodes:
            if node.id == node_id:
                return node
        raise KeyError(node_id)

    def children(self, cluster: str | None) -> tuple[list[Cluster], list[Node]]:
        """The clusters and nodes directly inside `cluster` (None: the top level), in insertion order."""
        return (
            [c for c in self.clusters if c.parent == cluster],
            [n for n in self.nodes if n.cluster == cluster],
        )
