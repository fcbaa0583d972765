"""The judge of a syntax error: ruamel.yaml's pure-Python parser, asked only when the fast C parser fails.

The libyaml bundled in ruamel.yaml.clib is older than the YAML kubectl's go-yaml reads and rejects valid text,
such as a plain scalar holding `:` inside a flow collection (`target: [frontend:80]`), which go-yaml, newer
libyaml releases and ruamel's pure-Python parser accept. A syntax error of the fast parser is therefore only a
suspicion: the pure parser reads the same text again, and only its own error becomes a finding. Its nodes are
the same classes, with the same marks, as the C composer's, so the tree builder turns them into the same data
and spans. It costs several times the C parser, which is why it runs only on text the C parser refused.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml.composer import Composer
from ruamel.yaml.docinfo import DocInfo
from ruamel.yaml.parser import Parser
from ruamel.yaml.reader import Reader
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scanner import Scanner
from ruamel.yaml.tag import Tag
from ruamel.yaml.tokens import BlockEndToken, KeyToken, ValueToken

# The pure parser reads about 20 times slower than the C parser; past this size a document the C parser refused
# is not read again (its error stands), so that hostile input stays bounded in time (see docs/input.md).
MAX_CONFIRM_CHARS = 2 * 1024 * 1024
# Where the pure parser cannot judge: it recurses once per nesting level. The C parser's error then stands.
PURE_PARSER_LIMITS = (RecursionError,)


class WithoutResolver:
    """A composer that leaves implicit tags unresolved: svclint resolves scalars itself (resolve.py)."""

    def descend_resolver(self, parent: Any, index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None

    def resolve(self, kind: Any, value: Any, implicit: Any) -> None:
        return None


_LINE_END = "\0\r\n\x85\u2028\u2029"


class PureComposer(WithoutResolver, Reader, Scanner, Parser, Composer, VersionedResolver):
    """Composes documents with the pure-Python parser and, like the fast path's composer, no resolver: the
    nodes keep their explicit tags only, and svclint resolves scalars itself (resolve.py)."""

    def __init__(self, text: str) -> None:
        self.comment_handling = None
        self.max_depth = None
        self.doc_infos = [DocInfo()]  # where the scanner and parser note %YAML and %TAG directives
        self.tags: dict[str, str] = {}
        Reader.__init__(self, text, loader=self)
        Scanner.__init__(self, loader=self)
        Parser.__init__(self, loader=self)
        Composer.__init__(self, loader=self)
        VersionedResolver.__init__(self, None, loader=self)
        self.warn_double_anchors = False  # a redefined anchor is valid YAML: the later one wins

    def get_node(self) -> Any:
        node = Composer.get_node(self)
        _as_the_c_composer_gives(node)
        return node

    def scan_to_next_token(self) -> None:
        """libyaml's rule for blanks between tokens, which kubectl's go-yaml shares: tabs are skipped in flow
        collections and wherever a simple key cannot start (after a value, `key:\tvalue`), not where
        indentation counts. ruamel.yaml's pure parser skips them only in flow collections and so refuses a tab
        after a value (`port: 80<TAB>`)."""
        peek, forward = self.reader.peek, self.reader.forward
        if self.reader.index == 0 and peek() == "\ufeff":
            forward()
        while True:
            while peek() == " " or (peek() == "\t" and (self.flow_level > 0 or not self.allow_simple_key)):
                forward()
            if peek() == "#":
                while peek() not in _LINE_END:
                    forward()
            if not self.scan_line_break():
                return
            if not self.flow_level:
                self.allow_simple_key = True

    def fetch_stream_end(self) -> None:
        """libyaml's stream end "forces a new line": at the end of a text without a final line break, the
        collections it closes end at the start of the next line, as the fast path reports them."""
        if self.column != 0:
            self.line += 1
            self.column = 0
        Scanner.fetch_stream_end(self)

    def parse_block_mapping_value(self) -> Any:
        """PyYAML's (and libyaml's) version: an empty value is placed right after its `:`. ruamel.yaml places
        it at the next token, to carry comments, which svclint does not read."""
        if self.scanner.check_token(ValueToken):
            token = self.scanner.get_token()
            if not self.scanner.check_token(KeyToken, ValueToken, BlockEndToken):
                self.states.append(self.parse_block_mapping_key)
                return self.parse_block_node_or_indentless_sequence()
            self.state = self.parse_block_mapping_key
            return self.process_empty_scalar(token.end_mark)
        self.state = self.parse_block_mapping_key
        return self.process_empty_scalar(self.scanner.peek_token().start_mark)

    def check_events(self) -> None:
        """Parse every event of the text (a syntax check, nothing built); raises what the parser raises."""
        while self.get_event() is not None and self.check_event():
            pass

    def dispose(self) -> None:
        self.reset_parser()
        self.reset_scanner()
        self.reset_reader()


def _as_the_c_composer_gives(root: Any) -> None:
    """Give the nodes what the C composer gives them where the two differ.

    Explicit tags: the whole tag as the suffix, no handle (`!!str` is `tag:yaml.org,2002:str`, `!Ref` stays
    `!Ref`).
    """
    seen: set[int] = set()
    pending = [root]
    while pending:
        node = pending.pop()
        if id(node) in seen:
            continue  # an alias: the node it names is done
        seen.add(id(node))
        tag = node.ctag
        if tag.handle is not None:
            if tag._transform_type is None:
                tag.select_transform(False)
            node.ctag = Tag(suffix=tag.trval)
        if isinstance(node.value, list):
            for item in node.value:
                pending.extend(item if isinstance(item, tuple) else (item,))
