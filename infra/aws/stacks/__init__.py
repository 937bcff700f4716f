"""One stack per microservice (DESIGN.md §3), each a thin composition of the topology's resources."""
