"""An ASL definition as a `Graph`: one node per state, Parallel and Map as clusters, labelled edges.

Parallel and Map states become a cluster holding a "fork" node (the state itself, entered first) and a
"join" node (where its branches or iterations end and its Next/Catch edges leave). Terminal states in a
branch lead to that join; terminal states at the top level lead to the End node.
"""

from __future__ import annotations

import re
from typing import Any

from infra.diagrams.conditions import describe, field_name, jsonata_expression
from infra.diagrams.graph import Cluster as ClusterBox
from infra.diagrams.graph import Edge, Graph, Node
from infra.diagrams.resources import describe_task, is_lambda
from workflows.validation.walk import nested_scopes

START, END = "n_start", "n_end"  # "end" is a keyword in Mermaid
# The pseudo state names the start and end nodes carry, so a review page can mark them like states.
START_STATE, END_STATE = "__start__", "__end__"

_SIMPLE_KINDS = {"Pass": "pass", "Wait": "wait", "Succeed": "succeed", "Fail": "fail", "Choice": "choice"}


def workflow_graph(
    definition: dict[str, Any], name: str, title: str, functions: dict[str, str] | None = None
) -> Graph:
    """The graph of a state machine definition; `functions` names Lambda substitutions (see resources)."""
    graph = Graph(name=name, title=title)
    builder = _Builder(graph, functions or {})
    graph.nodes.append(Node(START, "Start", "start", state=START_STATE))
    first = builder.scope(definition, cluster=None, prefix="", exit_id=END)
    graph.nodes.append(Node(END, "End", "end", state=END_STATE))
    graph.edges.insert(0, Edge(START, first))
    return graph


class _Builder:
    def __init__(self, graph: Graph, functions: dict[str, str]) -> None:
        self.graph = graph
        self.functions = functions
        self.used: set[str] = {START, END}

    def scope(self, machine: dict[str, Any], cluster: str | None, prefix: str, exit_id: str) -> str:
        """Adds one scope's states (top level, a branch, an item processor); returns its first node."""
        states: dict[str, Any] = machine["States"]
        entries = {state: self._id(state, prefix) for state in states}
        for state_name, state in states.items():
            self._state(state_name, state, entries, cluster=cluster, prefix=prefix, exit_id=exit_id)
        return entries[machine["StartAt"]]

    def _id(self, state: str, prefix: str) -> str:
        """The state's name where it is unique in the definition (readable sources), else its path."""
        node_id = "s_" + re.sub(r"\W", "_", state, flags=re.ASCII)
        if node_id not in self.used:
            self.used.add(node_id)
            return node_id
        return self._unique("s_" + re.sub(r"\W", "_", prefix + state, flags=re.ASCII))

    def _unique(self, base: str) -> str:
        node_id, n = base, 2
        while node_id in self.used:
            node_id, n = f"{base}_{n}", n + 1
        self.used.add(node_id)
        return node_id

    def _state(
        self,
        name: str,
        state: dict[str, Any],
        entries: dict[str, str],
        *,
        cluster: str | None,
        prefix: str,
        exit_id: str,
    ) -> None:
        node_id = entries[name]
        kind = state["Type"]
        if kind in ("Parallel", "Map"):
            leaving = self._container(name, state, node_id, cluster, prefix)
        else:
            self.graph.nodes.append(Node(node_id, self._label(name, state), self._kind(state), cluster, name))
            leaving = node_id
        if kind == "Choice":
            for rule in state.get("Choices", []):
                self.graph.edges.append(Edge(node_id, entries[rule["Next"]], describe(rule)))
            if "Default" in state:
                self.graph.edges.append(Edge(node_id, entries[state["Default"]], "otherwise", "default"))
        elif "Next" in state:
            self.graph.edges.append(Edge(leaving, entries[state["Next"]]))
        elif state.get("End") or kind == "Succeed":
            self.graph.edges.append(Edge(leaving, exit_id))
        for retrier in state.get("Retry", []):
            attempts = retrier.get("MaxAttempts", 3)
            label = f"retry up to {attempts} times\n" + "\n".join(retrier.get("ErrorEquals", []))
            self.graph.edges.append(Edge(node_id, node_id, label, "retry"))
        for catcher in state.get("Catch", []):
            label = "catch\n" + "\n".join(catcher.get("ErrorEquals", []))
            self.graph.edges.append(Edge(leaving, entries[catcher["Next"]], label, "catch"))

    def _container(
        self, name: str, state: dict[str, Any], node_id: str, cluster: str | None, prefix: str
    ) -> str:
        """A Parallel or Map state's cluster; returns its join node, where its own edges leave."""
        box = "c_" + node_id
        join = self._unique(node_id + "__done")
        is_map = state["Type"] == "Map"
        self.graph.clusters.append(
            ClusterBox(box, f"{name} ({state['Type']})", "map" if is_map else "parallel", cluster)
        )
        self.graph.nodes.append(Node(node_id, self._label(name, state), "fork", box, name))
        for inner in nested_scopes(state):
            if inner.index is None:  # a Map's item processor
                first = self.scope(inner.container, box, f"{prefix}{name}/", join)
                self.graph.edges.append(Edge(node_id, first, "each item"))
                continue
            number = inner.index + 1
            branch_box = f"{box}_b{number}"
            self.graph.clusters.append(ClusterBox(branch_box, f"branch {number}", "branch", box))
            first = self.scope(inner.container, branch_box, f"{prefix}{name}/{number}/", join)
            self.graph.edges.append(Edge(node_id, first))
        done = "all items done" if is_map else "all branches done"
        self.graph.nodes.append(Node(join, done, "join", box, name))
        return join

    def _kind(self, state: dict[str, Any]) -> Any:
        if state["Type"] == "Task":
            return "lambda" if is_lambda(state) else "task"
        return _SIMPLE_KINDS.get(state["Type"], "pass")

    def _label(self, name: str, state: dict[str, Any]) -> str:
        kind = state["Type"]
        detail = ""
        if kind == "Task":
            detail = describe_task(state, self.functions)
        elif kind == "Wait":
            detail = _wait(state)
        elif kind == "Fail":
            detail = state.get("Error", "") or ""
        elif kind == "Map":
            items = state.get("Items") or state.get("ItemsPath") or "$"
            items = jsonata_expression(items) if str(items).startswith("{%") else field_name(str(items))
            detail = f"for each item of {items}"
            if state.get("MaxConcurrency"):
                detail += f", {state['MaxConcurrency']} at a time"
        elif kind == "Parallel":
            detail = f"{len(nested_scopes(state))} branches at once"
        return f"{name}\n{detail}" if detail else name


def _wait(state: dict[str, Any]) -> str:
    if "Seconds" in state:
        return f"wait {jsonata_expression(str(state['Seconds']))} s"
    if "SecondsPath" in state:
        return f"wait {field_name(state['SecondsPath'])} s"
    if "Timestamp" in state:
        return f"wait until {jsonata_expression(str(state['Timestamp']))}"
    if "TimestampPath" in state:
        return f"wait until {field_name(state['TimestampPath'])}"
    return "wait"
