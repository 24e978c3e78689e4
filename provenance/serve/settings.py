"""What a running service is told: its index, where it listens, who may write, and its limits."""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass, field

MB = 1 << 20
SIZE = re.compile(r"(\d+)\s*(?:([KMG])(?:i?B)?|B)?", re.IGNORECASE)
SIZE_UNITS = {None: 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}
# How a supervisor hands the settings to the worker processes it starts (uvicorn --workers).
ENVIRONMENT = "PROVENANCE_SERVE_SETTINGS"


class SettingsError(Exception):
    """Settings the service cannot start with; the message says which and why."""


@dataclass(frozen=True)
class Settings:
    index: str
    host: str = "127.0.0.1"
    port: int = 8000
    token_file: str | None = None  # writes are refused without one
    read_token: bool = False  # reads and checks need a token too
    workers: int = 1
    max_body: int = 10 * MB
    cors_origins: tuple[str, ...] = field(default_factory=tuple)
    timeout: float = 30.0  # seconds a request may take
    access_log: bool = True

    def to_environment(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_environment(cls) -> Settings:
        values = json.loads(os.environ[ENVIRONMENT])
        return cls(**{**values, "cors_origins": tuple(values["cors_origins"])})


def parse_size(text: str) -> int:
    """A size in bytes: ``10485760``, ``512K``, ``10M``, ``10MB``, ``10MiB``, ``1G`` (powers of 1,024)."""
    found = SIZE.fullmatch(text.strip())
    if not found:
        raise SettingsError(f"--max-body {text!r}: expected a size such as 10M, 512K or 1048576")
    return int(found.group(1)) * SIZE_UNITS[found.group(2).upper() if found.group(2) else None]


def size_label(size: int) -> str:
    for unit in ("G", "M", "K"):
        if size >= SIZE_UNITS[unit] and size % SIZE_UNITS[unit] == 0:
            return f"{size // SIZE_UNITS[unit]} {unit}B"
    return f"{size} bytes"
