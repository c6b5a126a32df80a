"""What every area of Beacon shares, below the areas themselves (performance, risk, returns,
reports) and above the pure rules (:mod:`beacon.domain`):

* :mod:`beacon.core.clock`: the one clock;
* :mod:`beacon.core.jsonio`: the one JSON serializer;
* :mod:`beacon.core.models`: directorates and their sub-areas, the audit log
  (:class:`~beacon.core.models.Revision`, keyed by the changed record's identity), import runs,
  and who may do what for whom (directorate assignments, API tokens);
* :mod:`beacon.core.audit`: the one way a change is recorded with its history;
* :mod:`beacon.core.permissions`: roles and what each may do, asked by the pages and the API
  (and by any layer that needs to: it sits below them all).

Nothing here imports an area app; the areas import this. ``tests/test_layers.py`` checks it.
"""
