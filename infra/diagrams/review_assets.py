"""The review page's inline style sheet and script (the page loads nothing from anywhere)."""

from __future__ import annotations

from infra.diagrams.palette import HIGHLIGHT

CSS = f"""
body {{ font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #212121; background: #fafafa; }}
header {{ padding: 12px 20px; background: #263238; color: #fff; }}
header h1 {{ font-size: 18px; margin: 0 0 4px; }}
header p {{ margin: 2px 0; }}
nav {{ padding: 8px 20px; background: #eceff1; }}
nav a {{ margin-right: 14px; }}
main {{ margin-right: 420px; padding: 0 20px; }}
section {{ background: #fff; border: 1px solid #cfd8dc; border-radius: 6px; margin: 14px 0; padding: 8px; }}
section h2 {{ font-size: 16px; margin: 4px 0 8px; }}
.graph svg {{ width: 100%; height: auto; max-height: 1400px; }}
.graph g.node {{ cursor: pointer; }}
g.node.visited polygon, g.node.visited ellipse, g.node.visited path {{
  fill: {HIGHLIGHT} !important; stroke: #000 !important; stroke-width: 2.5px;
}}
g.node.visited text {{ fill: #000 !important; }}
.graph.full {{ overflow: auto; }}
.graph.full svg {{ width: auto; max-width: none; max-height: none; }}
button.zoom {{ float: right; }}
g.edge.taken path {{ stroke: {HIGHLIGHT} !important; stroke-width: 4px; }}
g.edge.taken polygon {{ fill: {HIGHLIGHT} !important; stroke: {HIGHLIGHT} !important; }}
g.node.selected polygon, g.node.selected ellipse, g.node.selected path {{
  stroke: #d50000 !important; stroke-width: 4px;
}}
aside {{ position: fixed; top: 0; right: 0; bottom: 0; width: 400px; overflow: auto; background: #fff;
  border-left: 1px solid #cfd8dc; padding: 12px; box-sizing: border-box; }}
aside h3 {{ margin: 0 0 6px; font-size: 15px; }}
aside pre {{
  background: #f5f5f5; padding: 6px; white-space: pre-wrap; word-break: break-word; font-size: 12px;
}}
.status-SUCCEEDED {{ color: #a5d6a7; }}
.status-FAILED, .status-TIMED_OUT, .status-ABORTED {{ color: #ef9a9a; }}
.legend span {{ display: inline-block; padding: 0 6px; margin-right: 6px; border: 1px solid #90a4ae; }}
"""

# Marks the chosen execution's path on its workflow's graph and shows a state's visits on click.
# Data come from two JSON blocks: the graphs' node/edge tables and the execution's visits.
JS = """
(function () {
  const graphs = JSON.parse(document.getElementById('graphs-data').textContent);
  const run = JSON.parse(document.getElementById('execution-data').textContent);
  const panel = document.getElementById('details');
  function ran(workflow, state) {
    if (!run || run.workflow !== workflow) return false;
    if (state === '__start__') return true;
    if (state === '__end__') return run.status === 'SUCCEEDED';
    return Object.prototype.hasOwnProperty.call(run.visits, state);
  }
  function block(title, value) {
    const h = document.createElement('h4'); h.textContent = title; panel.appendChild(h);
    const pre = document.createElement('pre'); pre.textContent = JSON.stringify(value, null, 2);
    panel.appendChild(pre);
  }
  function show(workflow, state, label) {
    panel.innerHTML = '';
    const h = document.createElement('h3'); h.textContent = label; panel.appendChild(h);
    if (!run || run.workflow !== workflow) {
      panel.appendChild(document.createTextNode('No execution of this workflow is shown.'));
      return;
    }
    if (state === '__start__') { block('Execution input', run.input); return; }
    if (state === '__end__') {
      if (run.status === 'SUCCEEDED') block('Execution output', run.output);
      else block('Execution ' + run.status, {error: run.error, cause: run.cause});
      return;
    }
    const visits = run.visits[state] || [];
    if (!visits.length) { panel.appendChild(document.createTextNode('Not run in this execution.')); return; }
    visits.forEach(function (visit, i) {
      const n = visits.length > 1 ? ' (visit ' + (i + 1) + ' of ' + visits.length + ')' : '';
      block('Input' + n, visit.input);
      if ('output' in visit) block('Output' + n, visit.output);
      if (visit.error) block('Failed' + n, {error: visit.error, cause: visit.cause});
    });
  }
  Object.keys(graphs).forEach(function (workflow) {
    const section = document.getElementById('wf-' + workflow);
    const table = graphs[workflow];
    const visited = {};
    Object.keys(table.nodes).forEach(function (id) {
      const node = section.querySelector('g.node[id="' + id + '"]');
      if (!node) return;
      const state = table.nodes[id][0];
      if (ran(workflow, state)) { node.classList.add('visited'); visited[id] = true; }
      node.addEventListener('click', function () {
        section.ownerDocument.querySelectorAll('g.node.selected').forEach(function (g) {
          g.classList.remove('selected');
        });
        node.classList.add('selected');
        show(workflow, state, table.nodes[id][1]);
      });
    });
    Object.keys(table.edges).forEach(function (id) {
      const ends = table.edges[id];
      const edge = section.querySelector('g.edge[id="' + id + '"]');
      // A retry loop starts and ends at one state: visiting the state does not mean it was retried.
      if (edge && ends[0] !== ends[1] && visited[ends[0]] && visited[ends[1]]) edge.classList.add('taken');
    });
    const zoom = section.querySelector('button.zoom');
    zoom.addEventListener('click', function () {
      const full = section.querySelector('.graph').classList.toggle('full');
      zoom.textContent = full ? 'fit to width' : 'actual size';
    });
  });
  // "#state=NAME" opens a state's details on load, as a click would: review comments can link to it.
  const wanted = decodeURIComponent((location.hash.match(/^#state=(.+)$/) || [])[1] || '');
  if (wanted && run && run.workflow) {
    const table = graphs[run.workflow];
    const id = Object.keys(table.nodes).find(function (k) { return table.nodes[k][0] === wanted; });
    const node = id && document.querySelector('#wf-' + run.workflow + ' g.node[id="' + id + '"]');
    if (node) node.dispatchEvent(new MouseEvent('click'));
  }
})();
"""
