"""Which objects of a partitioned table Athena reads, and the partition values each one carries.

With partition projection on (`projection.enabled = true`), Athena computes the partitions from the
table's parameters instead of the catalog: every value of each key's projection (`enum` values,
`integer` and `date` ranges, `injected` from the query) placed into `storage.location.template`
(or, without one, Hive-style `<location><key>=<value>/`). An object outside those locations is never
read, as on AWS: a folder for a detail-type missing from an enum stays invisible until it is added.
Without projection the partitions are the Hive-style folders (what `MSCK REPAIR TABLE` registers).

Source: "Partition projection with Amazon Athena" and "Supported types for partition projection",
https://docs.aws.amazon.com/athena/latest/ug/partition-projection-supported-types.html
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property

from integrations.athena.sql import query_error
from integrations.athena.tables import TableDefinition
from integrations.java_dates import UnsupportedPattern, strftime_pattern

_PLACEHOLDER = re.compile(r"\$\{([^}]+)\}")


@dataclass(frozen=True)
class Partitions:
    """The partition layout of one table."""

    table: TableDefinition
    now: Callable[[], datetime] = lambda: datetime.now(UTC)

    @property
    def projected(self) -> bool:
        return self.table.parameters.get("projection.enabled", "").strip().lower() == "true"

    @cached_property
    def _pattern(self) -> re.Pattern[str]:
        table = self.table
        template = table.parameters.get("storage.location.template") if self.projected else None
        if not template:
            template = table.location + "".join(
                f"{key.name}=${{{key.name}}}/" for key in table.partition_keys
            )
        names = {key.name for key in table.partition_keys}
        used = _PLACEHOLDER.findall(template)
        if sorted(used) != sorted(names):
            raise query_error(
                "HIVE_METASTORE_ERROR",
                f"storage.location.template of {table.name} must name each partition key once: {template}",
            )
        parts: list[str] = []
        last = 0
        for match in _PLACEHOLDER.finditer(template):
            parts.append(re.escape(template[last : match.start()]))
            parts.append(f"(?P<{_group(match.group(1))}>.+?)")
            last = match.end()
        parts.append(re.escape(template[last:]))
        return re.compile("".join(parts) + ".")  # any object below the partition's location

    def of(self, key: str) -> dict[str, str] | None:
        """The partition values of the object at `key`, or None when Athena would not read it."""
        if not self.table.partition_keys:
            return {}
        found = self._pattern.match(f"s3://{self.table.bucket}/{key}")
        if found is None:
            return None
        values = {name: found.group(_group(name)) for name in (k.name for k in self.table.partition_keys)}
        if self.projected and not all(self._projects(name, value) for name, value in values.items()):
            return None
        return values

    def _projects(self, name: str, value: str) -> bool:
        """Whether the projection of key `name` yields `value`."""
        parameters = self.table.parameters

        def get(option: str) -> str:
            return parameters.get(f"projection.{name}.{option}", "").strip()

        kind = get("type").lower()
        if kind == "enum":
            return value in parameters.get(f"projection.{name}.values", "").split(",")
        if kind == "integer":
            low, high = (int(bound) for bound in get("range").split(","))
            return value.lstrip("-").isdigit() and low <= int(value) <= high
        if kind == "date":
            return self._in_date_range(name, value, get("format"), get("range"))
        if kind == "injected":
            return True
        raise query_error(
            "HIVE_METASTORE_ERROR", f"projection.{name}.type must be enum, integer, date or injected"
        )

    def _in_date_range(self, name: str, value: str, pattern: str, bounds: str) -> bool:
        try:
            form = strftime_pattern(pattern)
        except UnsupportedPattern as error:
            raise query_error("HIVE_METASTORE_ERROR", f"projection.{name}.format: {error}") from None

        def moment(text: str) -> datetime:
            # NOW is the moment of the query; offsets (NOW-3YEARS) are left to AWS.
            text = text.strip()
            return self.now() if text == "NOW" else datetime.strptime(text, form).replace(tzinfo=UTC)

        try:
            start, end = (moment(bound) for bound in bounds.split(","))
        except ValueError:
            raise query_error(
                "HIVE_METASTORE_ERROR", f"projection.{name}.range must be two {pattern} dates or NOW"
            ) from None
        try:
            when = datetime.strptime(value, form).replace(tzinfo=UTC)
        except ValueError:
            return False
        return when.strftime(form) == value and start <= when <= end


def _group(name: str) -> str:
    """A regular-expression group name for a partition key (keys may hold characters groups cannot)."""
    return "k" + name.encode().hex()
