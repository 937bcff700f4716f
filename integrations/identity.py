"""The one default identity of the local services: the account id and region a service assumes when its
caller names none.

The local account (`infra.local.arns.AccountIdentity`) uses the same pair, so a service built on its own
(a test, a benchmark) and the local cloud agree on every ARN. The region is where the CDK app deploys by
default (`infra/aws`). Services never read AWS_REGION or an account variable themselves: whoever builds
a service passes its identity. (The ASL engine and its Step Functions Local-compatible harness keep Step
Functions Local's own us-east-1 defaults on purpose: see `workflows/engine/README.md`.)
"""

from __future__ import annotations

DEFAULT_ACCOUNT_ID = "123456789012"
DEFAULT_REGION = "eu-west-2"
