"""Catalogues of plausible wrong answers, one module per chapter.

``@mistake(name, why)`` registers an object that replaces ``name`` of the
chapter's solution module. The tests prove that the exercise holding
``name`` loses points with it; the demo pastes the ``typical`` ones into a
sample student's notebook.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Mistake:
    chapter: str
    replaces: str
    why: str
    typical: bool
    obj: object = field(compare=False, repr=False)


_REGISTRY: dict[str, list[Mistake]] = {}


def mistake(replaces: str, why: str, typical: bool = False) -> Callable:
    def register(obj):
        chapter = obj.__module__.rsplit(".", 1)[-1]
        _REGISTRY.setdefault(chapter, []).append(
            Mistake(chapter, replaces, why, typical, obj)
        )
        return obj

    return register


def mistakes(chapter: str) -> list[Mistake]:
    import importlib

    importlib.import_module(f"tests.mistakes.{chapter}")
    return list(_REGISTRY.get(chapter, []))
