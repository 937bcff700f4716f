"""EventBridge event patterns (and SNS filter policies), compiled once and matched fast.

`compile_pattern(pattern).matches(event)` is the one implementation behind rules, archives and pipe
filters; `compile_filter_policy` reuses it for SNS subscriptions with SNS's own differences.
"""

from __future__ import annotations

from integrations.patterns.compiler import EventPattern, compile_pattern, test_event_pattern
from integrations.patterns.filter_policy import FilterPolicy, compile_filter_policy

__all__ = ["EventPattern", "FilterPolicy", "compile_filter_policy", "compile_pattern", "test_event_pattern"]
