"""Whole-class test: a class's own devices measure the network together (issue #19).

The technician's laptop serves one page; every pupil's device opens it (QR code or a
short URL with a session token), gets a seat number and runs the same schedule,
synchronised by the server: download and upload with parallel streams, RTT from
small requests under that load, then a lesson-video stream at the profile's rate.

    plan.py      the schedule (phase durations, streams, video rate, player buffer)
    session.py   one class session: tokens, seats, joins, flags, samples (no I/O)
    stats.py     per-seat rates and class aggregates (pure functions)
    server.py    the aiohttp application (seat page, technician page, protocol API)
    client.py    the Python seat client, protocol-equivalent to the browser page
    store.py     results -> a ``class_test`` record (raw per-seat samples as evidence)
    video.py     the video referee: which seats stop when the stream does not fit
    mount.py     the class test for a visit (what the field companion mounts)
    laptop.py    the laptop's own link, checked before the start
    compare.py   the scorer's model for a room against what the class measured
    lab.py       ``netsurvey lab class-test``: namespaces, a tbf-shaped AP, N seats
    labserver.py the laptop side of the lab (the server, run inside its namespace)
    browser_seat.py  one headless Chromium seat (Selenium), run inside a seat namespace

The protocol is written down in docs/class-test.md.
"""
