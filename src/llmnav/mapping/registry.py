"""Built-in mappers by name, in the order the ensemble runs them."""

from __future__ import annotations

from llmnav.catalog import Catalog
from llmnav.mapping.analyst import AnalystMapper
from llmnav.mapping.base import Mapper
from llmnav.mapping.model import ModelMapper
from llmnav.mapping.reference import ReferenceMapper

__all__ = ["builtin_mappers"]


def builtin_mappers(catalog: Catalog) -> list[Mapper]:
    """The mappers every mapping run uses: analyst labels, rules, explicit references and
    the learned model."""
    from llmnav.mapping.rules import RulesMapper

    return [AnalystMapper(), RulesMapper(catalog=catalog), ReferenceMapper(catalog), ModelMapper()]
