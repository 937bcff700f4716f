"""The whole system as a `Graph`, from `infra/topology.py` and the ASL files it names.

X's webhook reaches the Ingress function, which records it on the stream; the pipe feeds the Ingest
workflow; workflows publish to the bus; each rule (with its pattern in words) routes to its targets;
workflows use functions, buckets, the table and the bot. Nothing here is drawn by hand: a new rule or
resource in the topology appears on the next `sma diagrams`.
"""

from __future__ import annotations

import re
import textwrap

from infra.diagrams.graph import Cluster, Edge, Graph, Node
from infra.diagrams.patterns import describe_pattern
from infra.topology import Target, Topology

_WIDTH = 38  # characters per label line: keeps rule boxes narrow enough to sit side by side
_RESOURCE_KINDS = {"function": "fn", "bucket": "bucket", "table": "table", "bot": "bot"}


def system_graph(topology: Topology) -> Graph:
    graph = Graph(name="system", title="Serverless Message Analyser: the system (infra/topology.py)")
    add = graph.nodes.append
    graph.clusters += [
        Cluster("c_ingress", "Ingress", "group"),
        Cluster("c_plumbing", f"{topology.bus.name} bus and its rules", "group"),
        Cluster("c_workflows", "Workflows (Step Functions)", "group"),
        Cluster("c_stores", "Functions and stores", "group"),
        Cluster("c_analytics", "Analytics", "group"),
    ]
    add(Node("x", "X (Twitter)\nwebhook: GET/POST /twitter", "external"))
    ingress = topology.function("Ingress")
    add(
        Node(
            "fn_Ingress",
            f"{ingress.name}\nλ API Gateway proxy:\nCRC, HMAC signature",
            "function",
            "c_ingress",
        )
    )
    stream = topology.stream
    add(
        Node(
            f"stream_{stream.name}",
            f"{stream.name}\nKinesis stream, {stream.retention_hours} h",
            "stream",
            "c_ingress",
        )
    )
    pipe = topology.pipe
    batching = f"batches of {pipe.batch_size}, {pipe.maximum_batching_window_seconds} s"
    pipe_label = f"{pipe.name}\nEventBridge Pipe\n{batching}"
    add(Node(f"pipe_{pipe.name}", pipe_label, "pipe", "c_ingress"))
    bus = topology.bus
    add(
        Node(
            "bus",
            f"{bus.name}\nEventBridge bus\narchive {bus.archive.retention_days} days, replay",
            "bus",
            "c_plumbing",
        )
    )
    for machine in topology.state_machines:
        label = f"{machine.name}\n{machine.type.title()} · {machine.definition}"
        add(Node(f"sm_{machine.name}", label, "state_machine", "c_workflows"))
    for function in topology.functions:
        if function.name != ingress.name:
            add(Node(f"fn_{function.name}", f"{function.name}\nλ {function.handler}", "function", "c_stores"))
    for bucket in topology.buckets:
        add(Node(f"bucket_{bucket.name}", f"{bucket.name}\nS3 bucket", "store", "c_stores"))
    for table in topology.tables:
        add(Node(f"table_{table.name}", f"{table.name}\nDynamoDB table", "store", "c_stores"))
    add(Node(f"bot_{topology.bot.name}", f"{topology.bot.name}\nLex V2 bot", "store", "c_stores"))
    for topic in topology.topics:
        add(Node(f"topic_{topic.name}", f"{topic.name}\nSNS topic", "topic"))
    delivery = topology.delivery_stream
    add(Node(f"delivery_{delivery.name}", f"{delivery.name}\nData Firehose", "delivery", "c_analytics"))
    lake = f"{topology.lake.database}.{topology.lake.name}"
    add(Node("lake_table", f"{lake}\nGlue table", "store", "c_analytics"))
    add(Node("lake_view", f"{topology.lake_view.name}\nAthena view, each event once", "store", "c_analytics"))

    edge = graph.edges.append
    edge(Edge("x", "fn_Ingress", "signed webhook"))
    edge(Edge("fn_Ingress", f"stream_{stream.name}", "PutRecord"))
    edge(Edge(f"stream_{stream.name}", f"pipe_{pipe.name}"))
    start = "StartSyncExecution" if pipe.invocation_type == "REQUEST_RESPONSE" else "StartExecution"
    edge(Edge(f"pipe_{pipe.name}", f"sm_{pipe.target}", start))
    for rule in topology.rules:
        rule_id = f"rule_{rule.name}"
        label = rule.name + "\n" + textwrap.fill(describe_pattern(rule.pattern), _WIDTH)
        add(Node(rule_id, label, "rule", "c_plumbing"))
        edge(Edge("bus", rule_id))
        for target in rule.targets:
            add_target(graph, rule_id, target)
    for machine in topology.state_machines:
        definition = machine.path.read_text(encoding="utf-8")
        if "events:putEvents" in definition:
            edge(Edge(f"sm_{machine.name}", "bus", "PutEvents"))
        # A bot is referred to by id, alias and locale: one edge per resource, not per attribute.
        for kind, name in sorted({(ref.kind, ref.name) for ref in machine.substitutions.values()}):
            if kind in _RESOURCE_KINDS:
                edge(Edge(f"sm_{machine.name}", f"{_RESOURCE_KINDS[kind]}_{name}", _uses(kind), "uses"))
    edge(Edge(f"delivery_{delivery.name}", f"bucket_{delivery.bucket}", f"{delivery.table.location}…"))
    edge(Edge(f"bucket_{delivery.bucket}", "lake_table", "read as"))
    edge(Edge("lake_table", "lake_view", "queried through"))
    return graph


def add_target(graph: Graph, rule_id: str, target: Target) -> None:
    """A rule's target, added as a node the first time it is named, and the rule's edge to it."""
    prefixes = {"state_machine": "sm", "topic": "topic", "delivery_stream": "delivery", "log_group": "log"}
    target_id = f"{prefixes[target.kind]}_" + re.sub(r"\W", "_", target.resource.strip("/"), flags=re.ASCII)
    if target.kind == "log_group" and all(node.id != target_id for node in graph.nodes):
        graph.nodes.append(
            Node(target_id, f"{target.resource}\nCloudWatch Logs, metric per detail-type", "log")
        )
    notes = []
    if target.input_transformer:
        notes.append("input transformer (" + ", ".join(sorted(target.input_transformer.paths)) + ")")
    if target.dead_letter_queue:
        notes.append(f"DLQ {target.dead_letter_queue}")
    graph.edges.append(Edge(rule_id, target_id, "\n".join(notes)))


def _uses(kind: str) -> str:
    return {"function": "invokes", "bucket": "reads/writes", "table": "claims", "bot": "asks"}[kind]
