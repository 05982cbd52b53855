"""The field companion (`netsurvey field`): a local web app beside the CLI.

It drives the same runner and writes the same records (through ``netsurvey.records``)
as `netsurvey survey`, `wifi point/walk` and `power walk`, and holds no state of its
own: every page is rebuilt from the visit directory, so a restart loses nothing.

    app.py       create_app(): routes, templates, the hook for sub-apps (/class/)
    security.py  token -> cookie, CSRF, Host check, security headers
    visit.py     the open visit: one writer, one lock, state read back from the files
    survey.py    survey jobs on the runner, progress as server-sent events
    wifi.py      the Wi-Fi walk: tap a point, heatmap overlay, checklist, undo, skip
    power.py     the power walk as forms, photos as raw evidence
    results.py   per-room verdicts, score, bottleneck, what is missing
    serve.py     bind, print the url line (and a QR with --lan), serve until stopped
"""
