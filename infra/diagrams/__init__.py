"""Diagrams generated from the ASL definitions and from `infra/topology.py`, never drawn by hand.

`asl_graph` and `system_graph` turn a definition or the topology into a neutral `Graph`; `mermaid` and
`dot` write that graph as Mermaid source or Graphviz DOT (rendered to SVG by `dot`); `generate` writes
everything under `docs/diagrams/`, and `review` builds the static review page for one execution.
"""
