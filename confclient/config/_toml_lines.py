"""The line of every key in TOML text, so a configuration error can name it.

``tomllib`` reports the line of a syntax error only; a file it accepted gives values without
positions. :func:`locate_keys` walks the accepted text once more and notes where each key
path first appears.
"""

from __future__ import annotations

from typing import Final

__all__ = ["KeyPath", "locate_keys"]

#: A key's place in the document: ``("profiles", "eu", "timeout", "read")``.
KeyPath = tuple[str, ...]

_BARE_KEY_CHARS: Final = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
)
_ESCAPES: Final = {"b": "\b", "t": "\t", "n": "\n", "f": "\f", "r": "\r", '"': '"', "\\": "\\"}


class _Scanner:
    """Walks TOML text that ``tomllib`` already accepted, noting the line of every key."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1
        self.found: dict[KeyPath, int] = {}

    # low-level

    def peek(self, offset: int = 0) -> str:
        index = self.pos + offset
        return self.text[index] if index < len(self.text) else ""

    def startswith(self, token: str | tuple[str, ...]) -> bool:
        return self.text.startswith(token, self.pos)

    def advance(self, count: int = 1) -> None:
        chunk = self.text[self.pos : self.pos + count]
        self.line += chunk.count("\n")
        self.pos += count

    def skip_blank(self, newlines: bool) -> None:
        """Skip spaces, tabs, comments (and newlines when asked)."""
        while self.pos < len(self.text):
            char = self.peek()
            if char in " \t\r" or (newlines and char == "\n"):
                self.advance()
            elif char == "#":
                end = self.text.find("\n", self.pos)
                self.advance((len(self.text) if end < 0 else end) - self.pos)
            else:
                return

    def note(self, key_path: KeyPath, line: int) -> None:
        self.found.setdefault(key_path, line)

    # keys and values

    def key(self) -> KeyPath:
        """A dotted key, e.g. ``a."b.c".d``."""
        parts: list[str] = []
        while True:
            self.skip_blank(newlines=False)
            char = self.peek()
            if char == '"':
                parts.append(self.basic_string())
            elif char == "'":
                parts.append(self.literal_string())
            else:
                start = self.pos
                while self.peek() and self.peek() in _BARE_KEY_CHARS:
                    self.advance()
                if self.pos == start:
                    raise ValueError("not a key")
                parts.append(self.text[start : self.pos])
            self.skip_blank(newlines=False)
            if self.peek() != ".":
                return tuple(parts)
            self.advance()

    def basic_string(self) -> str:
        self.advance()  # "
        out: list[str] = []
        while self.pos < len(self.text) and self.peek() != '"':
            if self.peek() == "\\":
                code = self.peek(1)
                if code in _ESCAPES:
                    out.append(_ESCAPES[code])
                    self.advance(2)
                elif code in "uU":
                    width = 4 if code == "u" else 8
                    out.append(chr(int(self.text[self.pos + 2 : self.pos + 2 + width], 16)))
                    self.advance(2 + width)
                else:
                    self.advance(2)
            else:
                out.append(self.peek())
                self.advance()
        self.advance()  # closing "
        return "".join(out)

    def literal_string(self) -> str:
        end = self.text.index("'", self.pos + 1)
        value = self.text[self.pos + 1 : end]
        self.advance(end + 1 - self.pos)
        return value

    def multiline(self, quote: str) -> None:
        self.advance(3)
        while self.pos < len(self.text):
            if quote == '"""' and self.peek() == "\\":
                self.advance(2)
            elif self.startswith(quote):
                self.advance(3)
                # Up to two more quotes may belong to the string's content.
                while self.peek() == quote[0]:
                    self.advance()
                return
            else:
                self.advance()

    def value(self, key_path: KeyPath) -> None:
        self.skip_blank(newlines=False)
        if self.startswith(('"""', "'''")):
            self.multiline(self.text[self.pos : self.pos + 3])
        elif self.peek() == '"':
            self.basic_string()
        elif self.peek() == "'":
            self.literal_string()
        elif self.peek() == "[":
            self.array(key_path)
        elif self.peek() == "{":
            self.inline_table(key_path)
        else:
            while self.peek() and self.peek() not in ",]}#\n \t\r":
                self.advance()

    def array(self, key_path: KeyPath) -> None:
        self.advance()  # [
        while True:
            self.skip_blank(newlines=True)
            if self.peek() in ("]", ""):
                self.advance()
                return
            if self.peek() == ",":
                self.advance()
                continue
            self.value(key_path)

    def inline_table(self, key_path: KeyPath) -> None:
        self.advance()  # {
        while True:
            self.skip_blank(newlines=True)
            if self.peek() in ("}", ""):
                self.advance()
                return
            if self.peek() == ",":
                self.advance()
                continue
            line = self.line
            sub = self.key()
            for end in range(1, len(sub) + 1):
                self.note((*key_path, *sub[:end]), line)
            self.skip_blank(newlines=False)
            self.advance()  # =
            self.value((*key_path, *sub))

    # the document

    def document(self) -> dict[KeyPath, int]:
        table: KeyPath = ()
        while True:
            self.skip_blank(newlines=True)
            if self.pos >= len(self.text):
                return self.found
            line = self.line
            if self.peek() == "[":
                double = self.startswith("[[")
                self.advance(2 if double else 1)
                table = self.key()
                for end in range(1, len(table) + 1):
                    self.note(table[:end], line)
                self.skip_blank(newlines=False)
                self.advance(2 if double else 1)
                continue
            sub = self.key()
            for end in range(1, len(sub) + 1):
                self.note((*table, *sub[:end]), line)
            self.skip_blank(newlines=False)
            self.advance()  # =
            self.value((*table, *sub))


def locate_keys(text: str) -> dict[KeyPath, int]:
    """The line (1-based) where each key path first appears in valid TOML ``text``:
    table headers, ``key = value`` lines, dotted keys and keys inside inline tables.

    >>> locate_keys('[profiles.eu]\\nprovider = "telnyx"\\n')[("profiles", "eu", "provider")]
    2
    """
    scanner = _Scanner(text)
    try:
        return scanner.document()
    except (ValueError, IndexError):
        # Only reachable on text tomllib would refuse; keep what was found so far.
        return scanner.found
