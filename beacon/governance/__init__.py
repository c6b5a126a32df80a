"""Committee governance (shared/spec governance.md): the council's bodies and people, meetings,
agendas and their items, papers with their cover headers, recommendations and pathways, minutes
and decisions, and the agenda packs that carry the papers. Its rules are pure Python in
:mod:`beacon.domain.governance` and :mod:`beacon.domain.governance_rules`."""
