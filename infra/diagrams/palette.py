"""How each kind of node, edge and cluster looks, shared by the Mermaid and the DOT writers.

Lambda tasks are orange boxes (AWS's Lambda colour) so they stand out from service integrations (blue);
Choice states are diamonds; failures red. The review page's highlight colour is used by nothing here,
so a screenshot can count its pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

HIGHLIGHT = "#ffd600"  # the review page's "this state ran" fill; no node kind below uses it
CATCH_COLOUR = "#c62828"
RETRY_COLOUR = "#757575"
USES_COLOUR = "#6d4c41"


@dataclass(frozen=True)
class Look:
    dot_shape: str  # Graphviz node shape
    mermaid: tuple[str, str]  # Mermaid's opening and closing shape brackets
    fill: str
    stroke: str
    font: str = "#000000"
    rounded: bool = False


LOOKS: dict[str, Look] = {
    "start": Look("circle", ("((", "))"), "#424242", "#212121", "#ffffff"),
    "end": Look("doublecircle", ("(((", ")))"), "#424242", "#212121", "#ffffff"),
    "task": Look("box", ("[", "]"), "#bbdefb", "#1565c0", rounded=True),
    "lambda": Look("box", ("[[", "]]"), "#ed7100", "#a04c00", "#ffffff"),
    "choice": Look("diamond", ("{", "}"), "#fff3e0", "#ef6c00"),
    "pass": Look("box", ("([", "])"), "#f5f5f5", "#9e9e9e", rounded=True),
    "wait": Look("box", ("([", "])"), "#e0f7fa", "#00838f", rounded=True),
    "succeed": Look("box", ("([", "])"), "#c8e6c9", "#2e7d32", rounded=True),
    "fail": Look("octagon", ("{{", "}}"), "#ffcdd2", "#c62828"),
    "fork": Look("invtrapezium", ("[/", "\\]"), "#d1c4e9", "#4527a0"),
    "join": Look("trapezium", ("[\\", "/]"), "#d1c4e9", "#4527a0"),
    "external": Look("cds", (">", "]"), "#eeeeee", "#616161"),
    "function": Look("box", ("[[", "]]"), "#ed7100", "#a04c00", "#ffffff"),
    "stream": Look("box", ("[/", "/]"), "#b2dfdb", "#00695c"),
    "pipe": Look("box", ("[/", "/]"), "#f8bbd0", "#ad1457"),
    "state_machine": Look("box", ("[", "]"), "#bbdefb", "#1565c0", rounded=True),
    "bus": Look("box", ("[[", "]]"), "#f48fb1", "#880e4f"),
    "rule": Look("hexagon", ("{{", "}}"), "#fce4ec", "#ad1457"),
    "topic": Look("box", ("([", "])"), "#ffe0b2", "#e65100"),
    "log": Look("note", ("[", "]"), "#eeeeee", "#616161"),
    "delivery": Look("box", ("[/", "/]"), "#d7ccc8", "#4e342e"),
    "store": Look("cylinder", ("[(", ")]"), "#c5e1a5", "#33691e"),
    "queue": Look("box", ("[(", ")]"), "#eeeeee", "#616161"),
}

CLUSTER_LOOKS: dict[str, tuple[str, str]] = {  # kind -> (fill, border)
    "parallel": ("#ede7f6", "#4527a0"),
    "map": ("#e8f5e9", "#2e7d32"),
    "branch": ("#ffffff", "#9575cd"),
    "group": ("#fafafa", "#9e9e9e"),
}
