"""Loads ``libFairMemABI.so`` with ctypes and sends it requests (see ``include/fairmem.h``).

The library ships inside the wheel (``fairmem/_native/``); ``FAIRMEM_LIBRARY`` points to another
build (e.g. ``.build/release/libFairMemABI.so`` while developing). ctypes releases the GIL during
the call, so requests from several Python threads run in parallel.
"""

from __future__ import annotations

import ctypes
import json
import os
import threading
from pathlib import Path
from typing import Any

from .errors import FairMemError

_NATIVE_DIR = Path(__file__).resolve().parent / "_native"
_lock = threading.Lock()
_library: ctypes.CDLL | None = None

#: The C interface version this package speaks (``FAIRMEM_ABI_VERSION`` in ``fairmem.h``).
ABI_VERSION = 1


def library_path() -> Path:
    """The path of the C ABI library this package loads."""
    override = os.environ.get("FAIRMEM_LIBRARY")
    return Path(override) if override else _NATIVE_DIR / "libFairMemABI.so"


def binary_path() -> Path:
    """The path of the ``fairmem`` command-line binary shipped with this package."""
    override = os.environ.get("FAIRMEM_BINARY")
    return Path(override) if override else _NATIVE_DIR / "fairmem"


def _load() -> ctypes.CDLL:
    global _library
    with _lock:
        if _library is None:
            path = library_path()
            if not path.is_file():
                raise FileNotFoundError(
                    f"FairMem's C library is missing at {path}; install the package with "
                    "`pip install ./python` from a FairMem checkout, or set FAIRMEM_LIBRARY"
                )
            library = ctypes.CDLL(str(path))
            library.fairmem_request.argtypes = [ctypes.c_char_p]
            library.fairmem_request.restype = ctypes.c_void_p
            library.fairmem_free.argtypes = [ctypes.c_void_p]
            library.fairmem_free.restype = None
            library.fairmem_version.argtypes = []
            library.fairmem_version.restype = ctypes.c_char_p
            library.fairmem_abi_version.argtypes = []
            library.fairmem_abi_version.restype = ctypes.c_int32
            found = library.fairmem_abi_version()
            if found != ABI_VERSION:
                raise ImportError(f"{path} implements C ABI version {found}, this package needs {ABI_VERSION}")
            _library = library
        return _library


def version() -> str:
    """The library's version text (what ``fairmem --version`` prints)."""
    return _load().fairmem_version().decode()


def raw_request(request: bytes) -> bytes:
    """Sends request bytes (UTF-8 JSON) and returns the response bytes."""
    library = _load()
    pointer = library.fairmem_request(request)
    if not pointer:
        raise MemoryError("fairmem_request could not allocate its response")
    try:
        return ctypes.string_at(pointer)
    finally:
        library.fairmem_free(pointer)


def request(command: str, arguments: dict[str, Any] | None = None, input: Any = None) -> Any:
    """Runs ``fairmem COMMAND`` through the C ABI and returns its JSON result.

    Args:
        command: the subcommand (``analyze``, ``feasible``, ``sweep``, ...).
        arguments: its long options without dashes (``{"metric": ["sp"], "tolerance": 0.01}``);
            ``None`` values are left out.
        input: what the command reads from its file: a statistics ``dict``, a CSV ``str``, a list
            of statistics (``sweep``).

    Raises:
        FairMemError: (a subclass of it) when the response is an error, with its field.
    """
    message: dict[str, Any] = {"command": command}
    if arguments:
        message["arguments"] = {key: value for key, value in arguments.items() if value is not None}
    if input is not None:
        message["input"] = input
    # NaN and infinities are written as the tokens NaN/Infinity, which FairMem rejects naming the
    # field they are in (instead of json failing without a field).
    text = json.dumps(message, separators=(",", ":"), default=_jsonable)
    response = json.loads(raw_request(text.encode()))
    if not response.get("ok"):
        raise FairMemError.from_response(response.get("error", {}), response.get("exit_code", 2), response.get("result"))
    return response.get("result")


def _jsonable(value: Any) -> Any:
    """NumPy scalars and arrays as JSON values."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if hasattr(value, "to_dict") and callable(value.to_dict):
        return value.to_dict()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")
