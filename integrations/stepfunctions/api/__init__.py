"""`sma stepfunctions serve`: the Step Functions API on the local ASL engine, a drop-in replacement for
AWS's Step Functions Local (its JSON 1.0 wire protocol, `SFN_MOCK_CONFIG` and `#TestCase` ARNs, its
endpoint variables). See integrations/stepfunctions/README.md."""

from integrations.stepfunctions.api.backend import Backend
from integrations.stepfunctions.api.config import ServerConfig, from_environment
from integrations.stepfunctions.api.server import make_server, start_in_background, warm_up_in_background

__all__ = [
    "Backend",
    "ServerConfig",
    "from_environment",
    "make_server",
    "start_in_background",
    "warm_up_in_background",
]
