"""Workflow graphs: clusters for Parallel and Map, labelled Choice edges, Retry and Catch edges."""

from __future__ import annotations

from infra.diagrams.asl_graph import workflow_graph
from infra.diagrams.generate import machine_graph
from infra.diagrams.graph import Graph
from infra.topology import TOPOLOGY


def _graph(name: str) -> Graph:
    return machine_graph(TOPOLOGY.state_machine(name))


def _node_of(graph: Graph, state: str, kind: str | None = None):
    matches = [n for n in graph.nodes if n.state == state and (kind is None or n.kind == kind)]
    assert len(matches) == 1, matches
    return matches[0]


def _clusters_around(graph: Graph, cluster: str | None) -> list[str]:
    """The labels of the clusters holding a node, innermost first."""
    by_id = {c.id: c for c in graph.clusters}
    labels = []
    while cluster:
        labels.append(by_id[cluster].label)
        cluster = by_id[cluster].parent
    return labels


def test_parallel_and_map_states_are_nested_clusters() -> None:
    graph = _graph("Analyse")
    sentiment = _node_of(graph, "DetectSentiment")
    assert _clusters_around(graph, sentiment.cluster) == ["branch 1", "AnalyseTextAndImages (Parallel)"]
    celebrities = _node_of(graph, "RecognizeCelebrities")
    assert _clusters_around(graph, celebrities.cluster) == [
        "AnalyseEachImage (Map)",
        "branch 2",
        "AnalyseTextAndImages (Parallel)",
    ]
    assert _node_of(graph, "PublishAnalysed").cluster is None


def test_choice_edges_carry_their_rules_and_a_default() -> None:
    graph = _graph("Ingest")
    choice = _node_of(graph, "WhichApi")
    labels = {e.label: graph.node(e.target).state for e in graph.edges if e.source == choice.id}
    account_activity = (
        "$exists($states.input.Payload.for_user_id) or $exists($states.input.Payload.user_event)"
    )
    assert labels == {
        account_activity: "AccountActivity",
        "$exists($states.input.Payload.data.event_type)": "XActivity",
        "otherwise": "UnknownActivity",
    }


def test_catch_and_retry_edges_are_styled_and_name_the_errors() -> None:
    graph = _graph("Egress")
    claim = _node_of(graph, "ClaimReply")
    catches = [e for e in graph.edges if e.source == claim.id and e.style == "catch"]
    assert [graph.node(e.target).state for e in catches] == ["AlreadyHandled"]
    assert "DynamoDB.ConditionalCheckFailedException" in catches[0].label
    retries = [e for e in graph.edges if e.source == claim.id and e.style == "retry"]
    assert retries and retries[0].target == claim.id and "DynamoDB.ThrottlingException" in retries[0].label


def test_a_catch_on_a_parallel_state_leaves_from_its_join() -> None:
    graph = _graph("Analyse")
    join = _node_of(graph, "AnalyseTextAndImages", "join")
    catches = [e for e in graph.edges if e.source == join.id and e.style == "catch"]
    assert [graph.node(e.target).state for e in catches] == ["ReleaseAnalysisClaim"]


def test_lambda_tasks_are_their_own_kind_with_the_function_name() -> None:
    graph = _graph("Egress")
    post = _node_of(graph, "PostReply")
    assert post.kind == "lambda" and post.label == "PostReply\nλ PostTweet"
    claim = _node_of(graph, "ClaimReply")
    assert claim.kind == "task" and claim.label == "ClaimReply\nDynamoDB PutItem"


def test_every_edge_joins_known_nodes_and_terminal_states_reach_the_end() -> None:
    for machine in TOPOLOGY.state_machines:
        graph = machine_graph(machine)
        ids = {n.id for n in graph.nodes}
        assert all(e.source in ids and e.target in ids for e in graph.edges), machine.name
        assert any(e.target == "n_end" for e in graph.edges), machine.name


def test_jsonata_definitions_and_awkward_names() -> None:
    definition = {
        "QueryLanguage": "JSONata",
        "StartAt": "Wait a bit",
        "States": {
            "Wait a bit": {"Type": "Wait", "Seconds": 5, "Next": "Écoute"},
            "Écoute": {
                "Type": "Choice",
                "Choices": [{"Condition": "{% $states.input.n > 1 %}", "Next": "Each"}],
                "Default": "Give up",
            },
            "Each": {
                "Type": "Map",
                "Items": "{% $states.input.things %}",
                "ItemProcessor": {"StartAt": "Each", "States": {"Each": {"Type": "Succeed"}}},
                "End": True,
            },
            "Give up": {"Type": "Fail", "Error": "Nothing.ToDo"},
        },
    }
    graph = workflow_graph(definition, "tiny", "Tiny")
    ids = [n.id for n in graph.nodes]
    assert len(ids) == len(set(ids)) and all(i.isascii() and i.replace("_", "").isalnum() for i in ids)
    choice = _node_of(graph, "Écoute")
    assert [e.label for e in graph.edges if e.source == choice.id] == ["$states.input.n > 1", "otherwise"]
    assert _node_of(graph, "Wait a bit").label == "Wait a bit\nwait 5 s"
    assert _node_of(graph, "Each", "fork").label == "Each\nfor each item of $states.input.things"
    assert _node_of(graph, "Give up").label == "Give up\nNothing.ToDo"
    # The Map's inner state shares the Map's name: it gets its own node, inside the Map's cluster.
    inner = [n for n in graph.nodes if n.state == "Each" and n.kind == "succeed"]
    assert len(inner) == 1 and inner[0].cluster == _node_of(graph, "Each", "fork").cluster
