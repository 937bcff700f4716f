"""The product's orchestration: Amazon States Language definitions (`*.asl.json`), the JSON Schemas of
the domain events, the local ASL engine (`workflows.engine`) and the workflow test harness.

The ASL files are the source of truth for both clouds; nothing generates them from code.
"""
