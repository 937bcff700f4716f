"""The Lambda functions' third-party libraries as a layer, built on this machine without Docker.

The handlers import Pillow, tweepy, requests and requests-oauthlib, which the Python runtime lacks.
With the `sma:build-dependencies-layer` context value set (`make deploy` does), synthesis runs pip for
linux/arm64 and the functions' Python (`infra.topology.PYTHON_VERSION`), binary wheels only, at the
versions `constraints.txt` pins, into the layer's asset. Without it (the offline tests), no layer is
built; an existing layer can be named instead with `sma:dependencies-layer-arn`.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from typing import Any, cast

import jsii
from aws_cdk import AssetHashType, BundlingOptions, DockerImage, ILocalBundling
from aws_cdk import aws_lambda as lambda_
from constructs import Construct

from infra.topology import PYTHON_VERSION, ROOT

BUILD_CONTEXT_KEY = "sma:build-dependencies-layer"
# What the handlers import (pip adds their dependencies, at the pinned versions too).
REQUIREMENTS = ("pillow", "tweepy", "requests", "requests-oauthlib")
# Lambda's python3.11 runtime is Amazon Linux 2 (glibc 2.26): manylinux_2_26 wheels and older fit.
PLATFORM = "manylinux_2_26_aarch64"
# The functions' runtime, one Python with the tests (infra.topology.PYTHON_VERSION).
LAMBDA_RUNTIME = lambda_.Runtime(f"python{PYTHON_VERSION}", lambda_.RuntimeFamily.PYTHON)


def pip_command(target: str) -> list[str]:
    """pip, run by this interpreter, installing the layer's packages for the Lambda platform."""
    return [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--platform",
        PLATFORM,
        "--python-version",
        PYTHON_VERSION,
        "--implementation",
        "cp",
        "--only-binary=:all:",
        "--constraint",
        str(ROOT / "constraints.txt"),
        "--target",
        f"{target}/python",  # a layer's Python packages live under python/
        *REQUIREMENTS,
    ]


@jsii.implements(ILocalBundling)
class PipBundling:
    """Bundles the layer with pip on the host; never falls back to Docker."""

    def try_bundle(self, output_dir: str, options: Any = None) -> bool:  # jsii passes the options struct
        subprocess.run(pip_command(output_dir), check=True)
        return True


def dependencies_layer(scope: Construct) -> lambda_.LayerVersion:
    """One layer per stack (a stack's functions share it); its asset changes only with the pins."""
    existing = scope.node.try_find_child("Dependencies")
    if isinstance(existing, lambda_.LayerVersion):
        return existing
    pins = (ROOT / "constraints.txt").read_bytes() + " ".join(REQUIREMENTS).encode()
    return lambda_.LayerVersion(
        scope,
        "Dependencies",
        description="Pillow, tweepy, requests and requests-oauthlib for the handlers (linux/arm64).",
        compatible_runtimes=[LAMBDA_RUNTIME],
        compatible_architectures=[lambda_.Architecture.ARM_64],
        code=lambda_.Code.from_asset(
            str(ROOT / "lambdas"),
            asset_hash_type=AssetHashType.CUSTOM,
            asset_hash=hashlib.sha256(pins).hexdigest(),
            bundling=BundlingOptions(
                # Never run: the local bundler always bundles (or fails loudly).
                image=DockerImage.from_registry("unused-local-bundling-only"),
                local=cast(ILocalBundling, PipBundling()),  # jsii.implements is invisible to mypy
            ),
        ),
    )
