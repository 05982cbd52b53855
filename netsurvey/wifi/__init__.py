"""Wi-Fi survey: survey points, per-room coverage and channel load, heatmaps.

Data flow: ``sources`` (live adapter or recorded files) -> ``collect`` (one point:
scans averaged by ``points``, link, iperf3) -> a ``wifi_point`` record in the visit ->
``store`` (read back) -> ``analysis``/``results`` (per room, against ``thresholds``,
serving AP via ``aps``) -> ``tables`` or ``maps`` (``heatmap`` values, ``scene``
placing the texts in ``labels``' language, ``render`` to PNG/SVG) on a ``floorplan``.
``walk`` is the interactive loop around ``collect``.
"""
