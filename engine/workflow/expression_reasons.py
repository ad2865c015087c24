"""Why an expression or script was refused, in the process owner's words (never Python's).

``reason(exc)`` turns an ``UnsafeExpression`` (its ``code`` and ``detail``, set by the static check
in expressions.py) into an English and a German sentence. Python's syntax names (``Lambda``,
``ImportFrom``) never reach a verdict: each kind of statement has its own phrase here.
"""

from __future__ import annotations

from .expressions import UnsafeExpression

# AST node kind -> (English, German): what the construct is called for people.
_NODES = {
    "Lambda": (
        "Anonymous functions (lambda) are not allowed",
        "Anonyme Funktionen (lambda) sind nicht erlaubt",
    ),
    "Import": ("Imports are not allowed", "Importe (import) sind nicht erlaubt"),
    "ImportFrom": ("Imports are not allowed", "Importe (from … import) sind nicht erlaubt"),
    "FunctionDef": ("Defining functions is not allowed", "Eigene Funktionen (def) sind nicht erlaubt"),
    "AsyncFunctionDef": ("Defining functions is not allowed", "Eigene Funktionen (def) sind nicht erlaubt"),
    "ClassDef": ("Defining classes is not allowed", "Eigene Klassen (class) sind nicht erlaubt"),
    "While": ("Loops (while) are not allowed", "Schleifen (while) sind nicht erlaubt"),
    "For": (
        "Loops (for) are not allowed; use a comprehension such as sum(x for x in items)",
        "Schleifen (for) sind nicht erlaubt; bitte z. B. sum(x for x in liste) verwenden",
    ),
    "AsyncFor": ("Loops (for) are not allowed", "Schleifen (for) sind nicht erlaubt"),
    "With": ("'with' blocks are not allowed", "with-Blöcke sind nicht erlaubt"),
    "AsyncWith": ("'with' blocks are not allowed", "with-Blöcke sind nicht erlaubt"),
    "Try": ("Error handling (try) is not allowed", "Fehlerbehandlung (try) ist nicht erlaubt"),
    "Raise": ("Raising errors (raise) is not allowed", "Fehler auslösen (raise) ist nicht erlaubt"),
    "Assert": ("'assert' is not allowed", "assert ist nicht erlaubt"),
    "Global": ("'global' is not allowed", "global ist nicht erlaubt"),
    "Nonlocal": ("'nonlocal' is not allowed", "nonlocal ist nicht erlaubt"),
    "Await": ("'await' is not allowed", "await ist nicht erlaubt"),
    "Yield": ("'yield' is not allowed", "yield ist nicht erlaubt"),
    "YieldFrom": ("'yield' is not allowed", "yield ist nicht erlaubt"),
    "NamedExpr": (
        "Assignments inside expressions (:=) are not allowed",
        "Zuweisungen im Ausdruck (:=) sind nicht erlaubt",
    ),
    "Starred": ("Unpacking with '*' is not allowed", "Entpacken mit * ist nicht erlaubt"),
    "Return": ("'return' is not allowed", "return ist nicht erlaubt"),
    "Break": ("'break' is not allowed", "break ist nicht erlaubt"),
    "Continue": ("'continue' is not allowed", "continue ist nicht erlaubt"),
    "Match": ("'match' is not allowed", "match ist nicht erlaubt"),
    "AnnAssign": ("Type annotations are not allowed", "Typangaben sind nicht erlaubt"),
    "BitAnd": ("Bit operators are not allowed", "Bit-Operatoren sind nicht erlaubt"),
    "BitOr": ("Bit operators are not allowed", "Bit-Operatoren sind nicht erlaubt"),
    "BitXor": ("Bit operators are not allowed", "Bit-Operatoren sind nicht erlaubt"),
    "LShift": ("Bit operators are not allowed", "Bit-Operatoren sind nicht erlaubt"),
    "RShift": ("Bit operators are not allowed", "Bit-Operatoren sind nicht erlaubt"),
    "Invert": ("Bit operators are not allowed", "Bit-Operatoren sind nicht erlaubt"),
    "MatMult": ("The operator '@' is not allowed", "Der Operator @ ist nicht erlaubt"),
}
_NODE_OTHER = ("This kind of statement is not allowed", "Diese Art von Anweisung ist nicht erlaubt")


# rule -> (English, German); {0} is the refused name, limit or position.
_RULES = {
    "name": ("The name '{0}' is not available in expressions", "Den Namen „{0}“ gibt es in Ausdrücken nicht"),
    "reserved": (
        "The name '{0}' is reserved and cannot be assigned",
        "Der Name „{0}“ ist vergeben und kann nicht zugewiesen werden",
    ),
    "attribute": ("The attribute '{0}' is not allowed", "Das Attribut „{0}“ ist nicht erlaubt"),
    "attribute_store": (
        "Assigning to attributes is not allowed",
        "Zuweisungen an Attribute sind nicht erlaubt",
    ),
    "function": (
        "There is no function '{0}' in expressions",
        "Die Funktion „{0}“ gibt es in Ausdrücken nicht",
    ),
    "number": (
        "The number is too large (at most 1,000,000,000)",
        "Die Zahl ist zu groß (höchstens 1.000.000.000)",
    ),
    "power": (
        "'**' needs a small whole-number exponent (0 to 64)",
        "** braucht einen kleinen ganzzahligen Exponenten (0 bis 64)",
    ),
    "repeat": (
        "Repeating texts or lists with '*' is not allowed",
        "Texte oder Listen mit * zu vervielfachen ist nicht erlaubt",
    ),
    "nested_comprehension": (
        "Nested comprehensions (several 'for' in one) are not allowed",
        "Verschachtelte Listenausdrücke (mehrere for in einem) sind nicht erlaubt",
    ),
    "too_long": ("It is too long (at most {0} characters)", "Er ist zu lang (höchstens {0} Zeichen)"),
    "too_deep": ("It is nested too deeply", "Er ist zu tief verschachtelt"),
    "syntax": ("Syntax error at column {0}", "Syntaxfehler an Spalte {0}"),
    "syntax_line": ("Syntax error on line {0}", "Syntaxfehler in Zeile {0}"),
}
_OTHER = ("It is not allowed", "Er ist nicht erlaubt")


def reason(exc: UnsafeExpression) -> tuple[str, str]:
    """(English, German) sentence fragment saying why ``exc`` refused an expression."""
    code, detail = getattr(exc, "code", "other"), getattr(exc, "detail", None)
    if code == "node":
        return _NODES.get(str(detail), _NODE_OTHER)
    en, de = _RULES.get(code, _OTHER)
    return en.format(detail), de.format(detail)
