"""The readiness scorer: a vectorised throughput model over schools x scenarios x draws.

Modules, in pipeline order:

* ``profile``     scoring profile YAML -> frozen dataclasses (every threshold and ⚠A)
* ``features``    school features (planning-mode YAML) -> frozen dataclasses
* ``from_visit``  visit records -> school features
* ``phy``, ``mac`` PHY rates, the MCS rule, A-MPDU goodput, Bianchi contention
* ``tables``      per-profile look-up tables; ``batch`` padded arrays; ``draws`` seeded RNG
* ``model``       the vectorised pipeline (chunked over schools)
* ``scores``      per-school scores, grades, bottleneck, figures, benchmarks
* ``whatif``      upgrade candidates on the same draws, the cheapest path to the readiness bar
* ``output``      scores.json; ``pipeline`` ties it together
"""
