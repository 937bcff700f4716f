"""Infrastructure: `topology.py` is the one declaration of every bus, rule, stream, pipe, state machine,
function, topic, delivery stream and table; `infra.aws` turns it into CDK stacks and `infra.local` into
the running local cloud.
"""
