"""A delivery stream's configuration, read from (and described as) the Firehose API's own shapes:
`ExtendedS3DestinationConfiguration` with BufferingHints, the AppendDelimiterToRecord and
MetadataExtraction processors, DynamicPartitioningConfiguration, Prefix and ErrorOutputPrefix."""

from __future__ import annotations

import codecs
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from integrations.errors import ServiceError
from integrations.firehose import prefixes
from integrations.firehose.jq import JqSyntaxError, Query, compile_query

SERVICE = "firehose"
DEFAULT_SIZE_MB = 5
DEFAULT_INTERVAL_SECONDS = 300
DYNAMIC_PARTITIONING_MIN_SIZE_MB = 64


def invalid(message: str) -> ServiceError:
    return ServiceError(SERVICE, "InvalidArgumentException", message)


@dataclass(frozen=True)
class DeliveryStreamConfig:
    name: str
    bucket: str
    prefix: str = ""
    error_output_prefix: str = ""
    size_mb: int = DEFAULT_SIZE_MB
    interval_seconds: int = DEFAULT_INTERVAL_SECONDS
    delimiter: str | None = None  # AppendDelimiterToRecord
    metadata_query: str | None = None  # MetadataExtraction (jq)
    dynamic_partitioning: bool = False
    api_shape: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @property
    def size_bytes(self) -> int:
        return self.size_mb * 1024 * 1024

    def compiled_query(self) -> Query | None:
        return compile_query(self.metadata_query) if self.metadata_query else None

    def partition_keys(self, document: Any) -> dict[str, str]:
        """The dynamic-partitioning keys of one parsed record; KeyError/ValueError when they cannot be had."""
        query = self.compiled_query()
        if query is None:
            return {}
        value = query.evaluate(document)
        names = prefixes.partition_keys_used(self.prefix)
        found = value if isinstance(value, dict) else dict.fromkeys(names, value)
        keys = {}
        for name in names:
            item = found.get(name)
            if item is None or isinstance(item, dict | list):
                raise ValueError(f"partition key {name!r} is missing or not a scalar")
            keys[name] = str(item).lower() if isinstance(item, bool) else str(item)
        return keys


def _parameters(processor: Mapping[str, Any]) -> dict[str, str]:
    return {p["ParameterName"]: p["ParameterValue"] for p in processor.get("Parameters", [])}


def from_api(name: str, destination: Mapping[str, Any]) -> DeliveryStreamConfig:
    """Build and check a configuration from an (Extended)S3DestinationConfiguration."""
    arn = destination.get("BucketARN", "")
    if not arn.startswith("arn:aws:s3:::") or len(arn) <= len("arn:aws:s3:::"):
        raise invalid(f"BucketARN must look like arn:aws:s3:::bucket, not {arn!r}")
    hints = destination.get("BufferingHints", {})
    size_mb = int(hints.get("SizeInMBs", DEFAULT_SIZE_MB))
    interval = int(hints.get("IntervalInSeconds", DEFAULT_INTERVAL_SECONDS))
    if not 1 <= size_mb <= 128:
        raise invalid(f"BufferingHints.SizeInMBs must be between 1 and 128, not {size_mb}")
    if not 0 <= interval <= 900:
        raise invalid(f"BufferingHints.IntervalInSeconds must be between 0 and 900, not {interval}")
    delimiter, query = _processors(destination.get("ProcessingConfiguration", {}))
    dynamic = bool(destination.get("DynamicPartitioningConfiguration", {}).get("Enabled", False))
    if dynamic:
        _check_dynamic_partitioning_buffer(size_mb, interval)
    config = DeliveryStreamConfig(
        name=name,
        bucket=arn.removeprefix("arn:aws:s3:::"),
        prefix=destination.get("Prefix", ""),
        error_output_prefix=destination.get("ErrorOutputPrefix", ""),
        size_mb=size_mb,
        interval_seconds=interval,
        delimiter=delimiter,
        metadata_query=query,
        dynamic_partitioning=dynamic,
        api_shape=dict(destination),
    )
    _check_prefixes(config)
    return config


def _check_dynamic_partitioning_buffer(size_mb: int, interval: int) -> None:
    """Firehose buffers each partition apart and refuses small buffers with dynamic partitioning: at
    least 64 MiB (the minimum CDK's Firehose construct also enforces, in AWS's words for the same
    limit with data format conversion), and no zero buffering ("Buffer data for dynamic partitioning",
    https://docs.aws.amazon.com/firehose/latest/dev/buffering.html)."""
    if size_mb < DYNAMIC_PARTITIONING_MIN_SIZE_MB:
        raise invalid(
            f"BufferingHints.SizeInMBs must be at least {DYNAMIC_PARTITIONING_MIN_SIZE_MB} when Dynamic "
            f"Partitioning is enabled, not {size_mb}."
        )
    if interval == 0:
        raise invalid(
            "BufferingHints.IntervalInSeconds 0 (zero buffering) is not available for Dynamic Partitioning."
        )


def _processors(processing: Mapping[str, Any]) -> tuple[str | None, str | None]:
    if not processing.get("Enabled", False):
        return None, None
    delimiter = query = None
    for processor in processing.get("Processors", []):
        kind = processor.get("Type")
        parameters = _parameters(processor)
        if kind == "AppendDelimiterToRecord":
            # The API takes the delimiter escaped, as in "\\n".
            delimiter = codecs.decode(parameters.get("Delimiter", "\\n"), "unicode_escape")
        elif kind == "MetadataExtraction":
            query = parameters.get("MetadataExtractionQuery", "")
            engine = parameters.get("JsonParsingEngine", "JQ-1.6")
            if engine != "JQ-1.6":
                raise invalid(f"JsonParsingEngine must be JQ-1.6, not {engine!r}")
            try:
                compile_query(query)
            except JqSyntaxError as error:
                raise invalid(f"MetadataExtractionQuery: {error}") from None
        else:
            raise invalid(
                f"Processor type {kind!r} is not available in the local cloud "
                "(supported: AppendDelimiterToRecord, MetadataExtraction)"
            )
    return delimiter, query


def _check_prefixes(config: DeliveryStreamConfig) -> None:
    try:
        prefixes.validate(config.prefix)
        prefixes.validate(config.error_output_prefix, error_prefix=True)
    except prefixes.PrefixError as error:
        raise invalid(f"Prefix: {error}") from None
    keys = prefixes.partition_keys_used(config.prefix)
    if keys and not config.dynamic_partitioning:
        raise invalid("partitionKeyFromQuery expressions need DynamicPartitioningConfiguration.Enabled")
    if config.dynamic_partitioning:
        if not keys or config.metadata_query is None:
            raise invalid(
                "Dynamic partitioning needs a MetadataExtraction query and partitionKeyFromQuery keys"
            )
        if not config.error_output_prefix:
            raise invalid("ErrorOutputPrefix is required when dynamic partitioning is enabled")
