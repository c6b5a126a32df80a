"""The quarterly return: a quarter opened for returns, each directorate's return (values, data
notes, commentary), its review and history, and the closing of a financial year.

Pages and the API call :mod:`beacon.returns.services` with the typed commands of
:mod:`beacon.returns.commands`; approved values are recorded through
:mod:`beacon.performance.services`.
"""
