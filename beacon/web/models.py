"""The web application stores nothing of its own: who may do what lives in :mod:`beacon.core`
(directorate assignments, API tokens; roles in :mod:`beacon.core.permissions`) and
:mod:`beacon.risk` (risk assignments), and the quarterly return in :mod:`beacon.returns`.
Its migrations remain, as the history of the tables that moved from here."""
