"""Type stubs of the compiled extension (src/lib.rs)."""

import datetime
import os
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Literal, Optional, Sequence, Union

if TYPE_CHECKING:
    import pyarrow

__version__: str

_Doc = Union[str, bytes, bytearray, Dict[str, Any], List[Any]]
_Date = Union[str, datetime.date]
_Path = Union[str, "os.PathLike[str]"]

class PackError(Exception):
    """A rule pack that does not load, verify or decode."""

    diagnostics: List[Dict[str, Any]]

class InputError(Exception):
    """A document that cannot be validated: not JSON, or over an input limit."""

class Pack:
    """A loaded, compiled rule pack. Immutable; safe to share between threads. Made by its
    static methods (``Pack.default()``, ``Pack.load(…)``, …), not by ``Pack()``."""

    def __init__(self) -> None: ...  # raises TypeError: use a static method

    @property
    def id(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def languages(self) -> List[str]: ...
    @property
    def key_id(self) -> Optional[str]: ...
    @staticmethod
    def default() -> "Pack": ...
    @staticmethod
    def load(path: _Path, *, overrides: Optional[_Path] = None, pack_path: Optional[Sequence[_Path]] = None) -> "Pack": ...
    @staticmethod
    def load_layers(*dirs: _Path, overrides: Optional[_Path] = None) -> "Pack": ...
    @staticmethod
    def from_compiled(data: bytes) -> "Pack": ...
    @staticmethod
    def load_signed(
        path: _Path,
        *,
        pubkeys: Union[str, Sequence[str]],
        min_version: Union[None, str, Sequence[str]] = None,
        pack_path: Optional[Sequence[_Path]] = None,
        overrides: Optional[_Path] = None,
    ) -> "Pack": ...
    def to_compiled(self, *, validation_only: bool = False) -> bytes: ...
    def validate(self, doc: _Doc, *, lang: Optional[str] = None, as_of: Optional[_Date] = None, mode: Optional[Literal["submit", "draft"]] = None) -> Dict[str, Any]: ...
    def validate_many(
        self,
        docs: Iterable[_Doc],
        *,
        lang: Optional[str] = None,
        as_of: Optional[_Date] = None,
        mode: Optional[Literal["submit", "draft"]] = None,
        jobs: Optional[int] = None,
    ) -> List[Dict[str, Any]]: ...
    def validate_arrow(
        self,
        data: Any,
        column: str = "doc",
        *,
        lang: Optional[str] = None,
        as_of: Optional[_Date] = None,
        mode: Optional[Literal["submit", "draft"]] = None,
        jobs: Optional[int] = None,
    ) -> "pyarrow.Table": ...
    def rules(self, *, lang: Optional[str] = None) -> List[Dict[str, Any]]: ...
    def explain(self, rule_id: str, *, lang: Optional[str] = None) -> Dict[str, Any]: ...
    def run_tests(self) -> List[Dict[str, Any]]: ...
