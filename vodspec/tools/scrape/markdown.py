"""GitHub's Markdown renderer, cmark-gfm, through cmarkgfm's C module: its own wrapper frees
neither the tree nor the HTML (200 MB lost for 5,000 renders), freed here through ctypes, as
cmarkgfm's cffi interface lacks cmark_node_free and cmark's allocator.
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Callable
from typing import Any

from cmarkgfm import _cmark
from cmarkgfm.cmark import Options

#: GitHub's Markdown ("tagfilter" escapes <script>, <iframe>… so that they show as text).
GFM_EXTENSIONS = ("table", "strikethrough", "autolink", "tagfilter")
#: Raw HTML is kept (GitHub keeps it, then sanitises); every block says its lines;
#: ``VOD.10053[^1]`` is a code and a footnote mark.
CMARK_OPTIONS = Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_SOURCEPOS | Options.CMARK_OPT_FOOTNOTES

_LIB: Any = _cmark.lib
_FFI: Any = _cmark.ffi
_LIB.cmark_gfm_core_extensions_ensure_registered()
_EXTENSIONS = tuple(_LIB.cmark_find_syntax_extension(name.encode()) for name in GFM_EXTENSIONS)
if _FFI.NULL in _EXTENSIONS:  # attaching a missing one would crash the interpreter
    raise ImportError(f"this cmark-gfm build lacks one of the extensions {GFM_EXTENSIONS}")
#: The extensions but the tag filter: its escape ("&lt;script ") reads as a "<" written as
#: text (in code, or as "&lt;"); a page rendered without it shows which is which.
_UNFILTERED = tuple(
    extension
    for name, extension in zip(GFM_EXTENSIONS, _EXTENSIONS, strict=True)
    if name != "tagfilter"
)
#: cmark-gfm's extensions change a table every parser shares: two renders at once can miss
#: a strikethrough.
_RENDERING = threading.Lock()


class _Allocator(ctypes.Structure):
    """cmark's ``cmark_mem``."""

    _fields_ = [
        ("calloc", ctypes.c_void_p),
        ("realloc", ctypes.c_void_p),
        ("free", ctypes.CFUNCTYPE(None, ctypes.c_void_p)),
    ]


def _freeing() -> tuple[Callable[[int], None], Callable[[int], None]]:
    """(free a document tree, free rendered HTML), each given an address; a library that
    does not export them (on Windows) frees nothing, as cmarkgfm's own wrapper."""
    try:
        library = ctypes.CDLL(_cmark.__file__)
        free_tree = library.cmark_node_free
        default_allocator = library.cmark_get_default_mem_allocator
    except (OSError, AttributeError):
        return _keep, _keep
    free_tree.argtypes = [ctypes.c_void_p]
    free_tree.restype = None
    default_allocator.restype = ctypes.POINTER(_Allocator)
    # The parser's allocator (cmark_parser_new takes the default one) made the HTML.
    return free_tree, default_allocator().contents.free


def _keep(address: int) -> None:
    """What frees nothing."""


_FREE_TREE, _FREE_HTML = _freeing()


def _address(pointer: Any) -> int:
    return int(_FFI.cast("uintptr_t", pointer))


def render_html(markdown: bytes, *, tag_filter: bool = True) -> bytes:
    """The page's HTML (UTF-8) as GitHub's cmark-gfm renders it (without its tag filter, if
    asked). cmark-gfm writes U+FFFE and U+FFFF made by a reference as the lone bytes FE and
    FF, put back as those characters."""
    with _RENDERING:
        rendered = _render(markdown, _EXTENSIONS if tag_filter else _UNFILTERED)
    if b"\xfe" in rendered or b"\xff" in rendered:
        rendered = rendered.replace(b"\xfe", "\ufffe".encode()).replace(b"\xff", "\uffff".encode())
    return rendered


def _render(markdown: bytes, extensions: tuple[Any, ...]) -> bytes:
    parser = _LIB.cmark_parser_new(CMARK_OPTIONS)
    try:
        for extension in extensions:
            _LIB.cmark_parser_attach_syntax_extension(parser, extension)
        _LIB.cmark_parser_feed(parser, markdown, len(markdown))
        document = _LIB.cmark_parser_finish(parser)
        try:
            html = _LIB.cmark_render_html(
                document, CMARK_OPTIONS, _LIB.cmark_parser_get_syntax_extensions(parser)
            )
            try:
                rendered: bytes = _FFI.string(html)
            finally:
                _FREE_HTML(_address(html))
        finally:
            _FREE_TREE(_address(document))
    finally:
        _LIB.cmark_parser_free(parser)
    return rendered
