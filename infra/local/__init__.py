"""The local cloud: builds running local services from `infra.topology` and wires them together."""
