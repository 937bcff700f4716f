"""The mock configuration named by SFN_MOCK_CONFIG, read when an execution needs it.

Step Functions Local reads the file when a `#TestCase` execution starts, not when the server starts:
suites copy the file into the container after starting it, or rewrite it between tests. So the file is
read at StartExecution, and read again whenever it has changed since.
"""

from __future__ import annotations

import threading
from pathlib import Path

from workflows.harness.mock_config import MockConfig, MockConfigError, load_mock_config


class MockConfigSource:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._version: tuple[int, int] | None = None
        self._config: MockConfig | None = None
        self._lock = threading.Lock()

    def current(self) -> MockConfig:
        """The file's configuration as it is now; MockConfigError with the reason when it is unusable."""
        try:
            stat = self.path.stat()
        except OSError:
            raise MockConfigError(f"{self.path}: mock config file not found (SFN_MOCK_CONFIG)") from None
        version = (stat.st_mtime_ns, stat.st_size)
        with self._lock:
            if version != self._version or self._config is None:
                self._config = load_mock_config(self.path)
                self._version = version
            return self._config
