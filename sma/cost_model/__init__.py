"""The cost model behind `sma cost`: this design's usage per message (measured by the local cloud, AI calls
modelled from the workflows' rules on a stated message mix) and the seeds' design, priced with the same
dated, sourced list prices.

* `prices`: the price table, each price with its source page and re-check date;
* `mix`: the message mix both designs are priced on (stated, overridable assumptions);
* `ours`: this design's usage, from the local cloud's executions;
* `seeds`: the seeds' design (seeds 000 and 001), its assumptions stated;
* `pricing`: usage priced by service, the two designs side by side, the ratio at 10/50/90% photos.
"""
