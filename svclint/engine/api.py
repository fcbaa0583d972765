"""The engine's public API for check functions: what a check function is (a name, a JSON Schema for its
options, a generator of violations) and what it receives. `svclint.functions` imports nothing else from the
engine (the import contract in .importlinter holds it to that)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypedDict, TypeVar, cast

from msgspec import Struct, field

from svclint.core.model import FieldPath
from svclint.engine.conditions import Condition, compile_conditions, is_empty, same_value
from svclint.engine.inputs import ANY_VALUE, MISSING, PRESENT, ValueKind, kind_of
from svclint.engine.selectors import Selector, compile_selector
from svclint.engine.templates import display
from svclint.inventory.related import Related

__all__ = [
    "ANY_VALUE",
    "MISSING",
    "PRESENT",
    "REGISTRY",
    "AnyCheckFunction",
    "CheckContext",
    "CheckFunction",
    "CheckFunctions",
    "Condition",
    "NoOptions",
    "OptionError",
    "Related",
    "Selector",
    "Target",
    "ValueKind",
    "Violation",
    "compile_conditions",
    "compile_safe",
    "compile_selector",
    "display",
    "is_empty",
    "kind_of",
    "prepared_option",
    "register",
    "same_value",
]

if TYPE_CHECKING:
    from svclint.engine.regexes import LinearPattern as LinearPattern
    from svclint.input.document import Resource
    from svclint.inventory.index import Inventory


T = TypeVar("T")
OptionsT = TypeVar("OptionsT", bound=Mapping[str, Any])
PreparedT = TypeVar("PreparedT")


class Target(Struct, frozen=True):
    """One value a rule looks at: its path inside the resource and the value (or MISSING)."""

    path: FieldPath
    value: Any


class Violation(Struct, frozen=True):
    path: FieldPath | None = None  # where to report, inside the resource; None: the target itself
    variables: Mapping[str, Any] = field(default_factory=dict)
    related: tuple[Related, ...] = ()
    identity: str = ""  # what tells this violation apart from others of the same rule and field
    at_key: bool = False  # point at the key of `path` (a bad map key), not at its value


class CheckContext(Struct):
    resource: Resource
    inventory: Inventory
    params: Mapping[str, Any]


class NoOptions(TypedDict):
    """The options of a function that takes none."""


class CheckFunction(Generic[OptionsT, PreparedT]):
    """Subclasses set `name`, `options_schema`, `accepts` and `provides`, and implement `check`.

    `OptionsT` is the TypedDict of the options as a rule writes them (checked against `options_schema` when a rule
    naming the function is loaded), `PreparedT` what `prepare` makes of them and `check` receives.
    """

    name: ClassVar[str]
    description: ClassVar[str] = ""
    options_schema: ClassVar[dict[str, Any]] = {"type": "object", "additionalProperties": False}
    provides: ClassVar[frozenset[str]] = frozenset()
    # The kinds of target value `check` is called with (the engine skips the others); "missing": a field that is
    # absent.
    accepts: ClassVar[frozenset[ValueKind]] = PRESENT
    needs_inventory: ClassVar[bool] = False
    needs_firewall: ClassVar[bool] = False  # reads inventory.firewall, which is built only for such functions
    # Reads of the object it checks only what the run keeps of every object for the inventory: apiVersion, kind
    # and metadata name, namespace and labels, and of workloads the replica count, serviceName and the pod
    # template's labels, service account, hostNetwork, nodeSelector, node affinity and containers' names, images
    # and ports. The run then keeps that compact copy of the objects its rules check instead of the whole objects.
    reads_projection: ClassVar[bool] = False

    def implementation(self) -> type[CheckFunction[Any, Any]]:
        """The class whose code checks: its declared options are its type arguments."""
        return type(self)

    def prepare(self, options: OptionsT) -> PreparedT:
        """Turn validated options into whatever `check` wants (compiled patterns, sets). Called once per run.
        Functions that check the options as written (PreparedT is OptionsT) keep this one."""
        return cast(PreparedT, options)

    def check(self, target: Target, options: PreparedT, context: CheckContext) -> Iterable[Violation]:
        raise NotImplementedError


class OptionError(ValueError):
    """An option a function cannot use (an unsafe pattern, a bad selector), named so that the rule loader can
    point at it."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


def prepared_option(options: Mapping[str, Any], key: str, make: Callable[[Any], T]) -> T:
    """`make(options[key])`, with its ValueError turned into an OptionError about `key`."""
    try:
        return make(options[key])
    except ValueError as err:
        raise OptionError(key, str(err)) from None


def compile_safe(pattern: str) -> LinearPattern:
    """A pattern compiled by the engine's linear-time regex engine (ValueError when it cannot be)."""
    # Imported on use: the regex engine's start-up is paid only by runs whose rules hold patterns.
    from svclint.engine.regexes import compile_safe as compile_linear

    return compile_linear(pattern)


# The check functions by name. svclint.functions fills it as its modules are imported; the engine never reads it
# from here: the wiring passes it to the rule loader (see svclint.run.pipeline.load_all_rules).
AnyCheckFunction = CheckFunction[Any, Any]
REGISTRY: dict[str, AnyCheckFunction] = {}
CheckFunctions = Mapping[str, AnyCheckFunction]
FunctionT = TypeVar("FunctionT", bound=type[AnyCheckFunction])


def register(cls: FunctionT) -> FunctionT:
    if cls.name in REGISTRY:  # pragma: no cover - a programming error caught by the tests
        raise ValueError(f"duplicate check function {cls.name}")
    REGISTRY[cls.name] = cls()
    return cls
