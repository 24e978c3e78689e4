"""Who may be credited for a text: news agencies and outlets, with their names and web domains.

A credit names where a text came from, never whom the news is about: "according to the Associated
Press" credits an agency, "the Pentagon said" attributes news to a newsmaker and credits nobody. So
a name a credit cue captures counts only when it names an outlet or agency this registry knows: the
agencies and major outlets shipped in ``data/outlets.json``, plus the corpus's own outlets (each
document's ``source``). Every credit is reported by its canonical name ("this AFP report" -> "AFP").
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable
from urllib.parse import urlsplit

AGENCY, OUTLET = "agency", "outlet"
# Parts of an outlet's name a text may use alone: "Gulf Times (AFP)" is also "Gulf Times" and "AFP".
_NAME_PARTS = re.compile(r"\s*(?:[()/,;]|\s-\s|\bvia\b)\s*")


@dataclass(frozen=True)
class Outlet:
    name: str  # canonical, as credits report it
    full: str
    kind: str  # agency | outlet
    aliases: tuple[str, ...]
    domains: tuple[str, ...] = ()

    @property
    def is_agency(self) -> bool:
        return self.kind == AGENCY


def name_parts(source: str | None) -> list[str]:
    """The names a text may use for an outlet, longest first: "Gulf Times (AFP)" -> the whole,
    "Gulf Times", "AFP"."""
    if not source or not any(ch.isalnum() for ch in source):
        return []
    names = {source.strip()} | {part for part in _NAME_PARTS.split(source) if len(part) >= 2 and any(ch.isalnum() for ch in part)}
    return sorted(names, key=len, reverse=True)


def _case_sensitive(alias: str) -> bool:
    """Acronyms match as written ("AP", "dpa", "RT"); names match in any case."""
    return " " not in alias and (alias.isupper() or len(alias) <= 4)


class Registry:
    """Outlets by alias and by domain; ``resolve`` finds the outlet a phrase names. A registry
    made ``with_sources`` holds only the outlets it adds and asks its ``parent`` for the rest, so a
    check pays for compiling its corpus's few names, not the shipped hundreds."""

    def __init__(self, outlets: Iterable[Outlet], parent: "Registry | None" = None):
        self.parent = parent
        self.outlets = list(outlets)
        self._by_alias: dict[str, Outlet] = {}
        self._by_folded: dict[str, Outlet] = {}
        self._by_domain: dict[str, Outlet] = {}
        self._by_name: dict[str, Outlet] = {}
        for outlet in self.outlets:
            self._by_name.setdefault(outlet.name, outlet)
            for alias in outlet.aliases:
                if _case_sensitive(alias):
                    self._by_alias.setdefault(alias, outlet)
                else:
                    self._by_folded.setdefault(alias.casefold(), outlet)
            for domain in outlet.domains:
                self._by_domain.setdefault(domain.casefold(), outlet)
        exact = sorted(self._by_alias, key=len, reverse=True)
        folded = sorted(self._by_folded, key=len, reverse=True)
        self._exact = re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, exact))})(?!\w)") if exact else None
        self._folded = re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, folded))})(?!\w)", re.IGNORECASE) if folded else None

    def __reduce__(self):
        # Sent to a worker process as its own outlets alone: the shipped registry is each process's
        # own, and a registry received again (one per task) is not compiled again.
        if self is shipped():
            return shipped, ()
        return _received, (tuple(self.outlets), self.parent)

    def resolve(self, phrase: str) -> Outlet | None:
        """The outlet a phrase names ("this AFP report" -> AFP, "Russian news agency Interfax" ->
        Interfax); the longest name wins, and a phrase naming none is no credit."""
        found = self._matches(phrase)
        return max(found, key=lambda f: f[0])[1] if found else None  # the first longest: own outlets first

    def _matches(self, phrase: str) -> list[tuple[int, Outlet]]:
        return self._own_matches(phrase) + (self.parent._matches(phrase) if self.parent is not None else [])

    def _own_matches(self, phrase: str) -> list[tuple[int, Outlet]]:
        found = []
        if self._exact:
            found += [(len(m.group(0)), self._by_alias[m.group(0)]) for m in self._exact.finditer(phrase)]
        if self._folded:
            found += [(len(m.group(0)), self._by_folded[m.group(0).casefold()]) for m in self._folded.finditer(phrase)]
        return found

    def named_exactly(self, token: str) -> Outlet | None:
        """The outlet one of whose aliases is the whole token ("AP" in "(AP)"; not "D-PA")."""
        found = self._by_alias.get(token) or self._by_folded.get(token.casefold())
        return found if found is not None or self.parent is None else self.parent.named_exactly(token)

    def by_name(self, name: str) -> Outlet | None:
        """The outlet of a canonical name."""
        found = self._by_name.get(name)
        return found if found is not None or self.parent is None else self.parent.by_name(name)

    def by_url(self, url: str) -> Outlet | None:
        """The outlet whose site a URL is on (a subdomain counts)."""
        host = host_of(url)
        while host:
            if host in self._by_domain:
                return self._by_domain[host]
            host = host.partition(".")[2] if "." in host else ""
        return self.parent.by_url(url) if self.parent is not None else None

    def names_of(self, source: str | None) -> set[str]:
        """The canonical names under which a document's outlet is credited: "Gulf Times (AFP)" is
        credited as "Gulf Times", as "AFP" and as itself."""
        found = set()
        for part in name_parts(source):
            outlet = self.resolve(part)
            if outlet is not None:
                found.add(outlet.name)
        return found

    def with_sources(self, sources: Iterable[tuple[str | None, str | None]]) -> "Registry":
        """This registry and a corpus's own outlets, from each document's (source, url): an outlet
        it does not know becomes one named as the corpus names it, on the URL's site."""
        added: dict[str, Outlet] = {}
        hosts: dict[str, set[str]] = {}
        seen: set[str] = set()
        for source, url in sources:
            if not name_parts(source):
                continue
            source = source.strip()
            host = host_of(url) if url else ""
            if host and self.by_url(url) is None:
                hosts.setdefault(source, set()).add(host)
            if source not in seen:
                seen.add(source)
                if not self._names_whole(source):
                    # "Gulf Times (AFP)" keeps its parts' outlets; only parts nobody knows are its aliases.
                    own = [part for part in name_parts(source) if part == source or self.resolve(part) is None]
                    added[source] = Outlet(source, source, OUTLET, tuple(own))
        for source, found in hosts.items():
            base = added.get(source) or self.resolve(source)
            added[base.name] = Outlet(base.name, base.full, base.kind, base.aliases, tuple(sorted(set(base.domains) | found)))
        return Registry(list(added.values()), parent=self) if added else self

    def _names_whole(self, source: str) -> bool:
        """Whether an alias is the whole of this name (the corpus's "Reuters" is Reuters)."""
        outlet = self.resolve(source)
        return outlet is not None and any(alias.casefold() == source.casefold() for alias in outlet.aliases)


@lru_cache(maxsize=1)
def shipped() -> Registry:
    """The agencies and outlets shipped with the package."""
    records = json.loads(resources.files("provenance").joinpath("data/outlets.json").read_text(encoding="utf-8"))
    return Registry(Outlet(r["name"], r["full"], r["kind"], tuple(r["aliases"]), tuple(r["domains"])) for r in records)


def host_of(url: str) -> str:
    """The site a URL is on, as outlets' domains are kept."""
    return (urlsplit(url).hostname or "").casefold().removeprefix("www.")


def for_documents(documents) -> Registry:
    """The shipped registry with these documents' outlets added."""
    return shipped().with_sources((d.source, d.url) for d in documents)


@lru_cache(maxsize=4)
def _received(outlets: tuple[Outlet, ...], parent: Registry | None) -> Registry:
    return Registry(outlets, parent)
