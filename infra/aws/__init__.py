"""The CDK app (Python): one stack per microservice, built from `infra.topology` and the ASL files."""
