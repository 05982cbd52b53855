"""Wi-Fi survey: survey points, per-room coverage and channel load, heatmaps.

Data flow: ``sources`` (live adapter or recorded files) -> ``collect`` (one point:
scans averaged by ``averaging``, link, iperf3 as ``pointiperf``) -> a ``wifi_point``
record in the visit -> ``store`` (read back once into typed ``points.SurveyPoint``s
through ``bssjson``) -> ``analysis``/``results`` (per room, against ``thresholds``;
the serving BSS by the one rule in ``serving``, its AP via ``aps``) -> ``tables`` or
``maps`` (``heatmap`` values, ``scene`` placing the texts in ``labels``' language,
``render`` to PNG/SVG) on a ``floorplan``. ``walk`` is the interactive loop around
``collect``.
"""
