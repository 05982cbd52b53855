"""The plan search behind ``whatif.recommend``: score subsets of a school's upgrade
candidates (all schools' variants stacked in vectorised passes, cached per subset), pick
the cheapest path to the bar exactly or greedily, and the optional steps past it.

Variants keep the school id, so they get exactly the school's random draws (common
random numbers): a score gain is the change, never Monte-Carlo noise.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterable
from dataclasses import dataclass

from netsurvey.scoring.features import SchoolFeatures
from netsurvey.scoring.model import evaluate_indexed
from netsurvey.scoring.profile import Profile
from netsurvey.scoring.scores import SchoolScore, dimension_scores
from netsurvey.scoring.tables import ModelTables
from netsurvey.scoring.upgrade_plan import Candidate, Method, PlanStep


@dataclass(frozen=True)
class Outcome:
    overall: float | None
    dimensions: dict[str, float | None]

    @property
    def total(self) -> float:
        """Sum of the dimension scores: the tie-breaker when the overall minimum does not move."""
        return sum(score for score in self.dimensions.values() if score is not None)


def score_variants(
    variants: list[SchoolFeatures],
    profile: Profile,
    draws: int,
    seed: int,
    tables: ModelTables | None,
) -> list[Outcome]:
    found: dict[int, Outcome] = {}
    for indices, chunk in evaluate_indexed(tuple(variants), profile, draws, seed, tables):
        for position, index in enumerate(indices):
            dims = dimension_scores(chunk, position, profile)
            scored = [v for v in dims.values() if v is not None]
            found[index] = Outcome(min(scored) if scored else None, dims)
    return [found[index] for index in range(len(variants))]


@dataclass(frozen=True)
class ModelRun:
    """How variants are scored: the profile, the number of draws and the seed (so a
    variant gets its school's random draws), and the prebuilt model tables."""

    profile: Profile
    draws: int
    seed: int
    tables: ModelTables | None = None

    def score(self, variants: list[SchoolFeatures]) -> list[Outcome]:
        return score_variants(variants, self.profile, self.draws, self.seed, self.tables)


def _rate(gain: float, cost_eur: float) -> float:
    if cost_eur <= 0:
        return math.inf if gain > 0 else 0.0
    return gain / (cost_eur / 1000.0)


BEYOND_BAR_MAX_STEPS = 3
GREEDY_MAX_STEPS = 8


@dataclass
class Search:
    """One school's plan search: every subset of candidates scored once, cached."""

    school: SchoolFeatures
    score: SchoolScore
    candidates: list[Candidate]
    base: Outcome
    bar: float
    cache: dict[frozenset[int], Outcome] = dataclasses.field(default_factory=dict)
    method: Method = "exact"

    def variant(self, subset: frozenset[int]) -> SchoolFeatures:
        school = self.school
        for index in sorted(subset):
            school = self.candidates[index].change(school)
        return school

    def outcome(self, subset: frozenset[int]) -> Outcome:
        return self.base if not subset else self.cache[subset]

    def cost(self, subset: Iterable[int]) -> float:
        return sum(self.candidates[i].cost_eur for i in subset)

    def reaches(self, subset: frozenset[int]) -> bool:
        return _meets(self.outcome(subset), self.bar)

    def compatible(self, subset: frozenset[int], index: int) -> bool:
        candidate = self.candidates[index]
        return index not in subset and not any(
            candidate.conflicts(self.candidates[i]) for i in subset
        )

    def progress(self, subset: frozenset[int]) -> float:
        """Distance covered toward the bar: dimension scores capped at the bar, summed.

        It moves when any blocking dimension improves, even while the overall minimum
        (held by another dimension) does not, so multi-dimension paths are found."""
        return sum(
            min(score, self.bar)
            for score in self.outcome(subset).dimensions.values()
            if score is not None
        )


def _meets(outcome: Outcome, bar: float) -> bool:
    return outcome.overall is not None and outcome.overall >= bar


def evaluate(
    wanted: list[tuple[Search, frozenset[int]]],
    run: ModelRun,
) -> None:
    """Score every (school, subset) not scored yet, all schools in one vectorised pass."""
    todo: list[tuple[Search, frozenset[int]]] = []
    seen: set[tuple[int, frozenset[int]]] = set()
    for search, subset in wanted:
        key = (id(search), subset)
        if subset and subset not in search.cache and key not in seen:
            seen.add(key)
            todo.append((search, subset))
    if not todo:
        return
    outcomes = run.score([s.variant(subset) for s, subset in todo])
    for (search, subset), outcome in zip(todo, outcomes, strict=True):
        search.cache[subset] = outcome


def valid_subsets(search: Search, pool: list[int]) -> list[frozenset[int]]:
    subsets: list[frozenset[int]] = [frozenset()]
    for index in pool:
        subsets += [s | {index} for s in subsets if search.compatible(s, index)]
    return subsets


def exact_pool(search: Search) -> list[int]:
    return [i for i, c in enumerate(search.candidates) if not c.composite]


def cheapest_reaching(search: Search, subsets: list[frozenset[int]]) -> frozenset[int] | None:
    reaching = [s for s in subsets if search.reaches(s)]
    if not reaching:
        return None
    return min(
        reaching,
        key=lambda s: (round(search.cost(s), 2), len(s), -(search.outcome(s).overall or 0.0)),
    )


def _order_steps(search: Search, chosen: frozenset[int]) -> list[int]:
    """Order a chosen set so each step climbs most per euro (prefixes are all scored)."""
    order: list[int] = []
    done: frozenset[int] = frozenset()
    while len(order) < len(chosen):
        left = [i for i in chosen if i not in done]
        best = max(
            left,
            key=lambda i: (
                _gain(search.outcome(done).overall, search.outcome(done | {i}).overall) >= 0,
                _rate(
                    search.progress(done | {i}) - search.progress(done),
                    search.candidates[i].cost_eur,
                ),
                -search.candidates[i].cost_eur,
                -i,
            ),
        )
        order.append(best)
        done = done | {best}
    return order



def _greedy_options(search: Search, chosen: frozenset[int]) -> list[frozenset[int]]:
    """One or two more upgrades on top of ``chosen`` (look-ahead of two steps)."""
    singles = [i for i in range(len(search.candidates)) if search.compatible(chosen, i)]
    options = [chosen | {i} for i in singles]
    for a_pos, a in enumerate(singles):
        for b in singles[a_pos + 1 :]:
            if search.compatible(chosen | {a}, b):
                options.append(chosen | {a, b})
    return options


def _pick_option(
    search: Search, chosen: frozenset[int], options: list[frozenset[int]]
) -> frozenset[int] | None:
    reaching = cheapest_reaching(search, options)
    if reaching is not None:
        return reaching
    here = search.progress(chosen)
    scored = [
        (_rate(search.progress(o) - here, search.cost(o - chosen)), o)
        for o in options
        if search.progress(o) > here + 1e-9
    ]
    if not scored:
        return None
    return max(scored, key=lambda item: (item[0], -search.cost(item[1])))[1]


def _prune(search: Search, chosen: frozenset[int]) -> frozenset[int]:
    """Drop steps the path does not need (a greedy path can pick one that a later step
    made redundant); every candidate removal is scored before it is accepted."""
    for index in sorted(chosen, key=lambda i: -search.candidates[i].cost_eur):
        smaller = chosen - {index}
        if smaller in search.cache and search.reaches(smaller):
            chosen = smaller
    return chosen


def plan_step(
    search: Search,
    before: frozenset[int],
    index: int,
    profile: Profile,
    beyond_bar: bool,
) -> PlanStep:
    candidate = search.candidates[index]
    after = before | {index}
    outcome_before, outcome_after = search.outcome(before), search.outcome(after)
    gain = _gain(outcome_before.overall, outcome_after.overall)
    return PlanStep(
        candidate=candidate,
        score_gain=gain,
        dimension_gain=_gain(
            outcome_before.dimensions.get(candidate.dimension),
            outcome_after.dimensions.get(candidate.dimension),
        ),
        gain_per_keur=_rate(gain, candidate.cost_eur),
        plan_cost_eur=search.cost(after),
        plan_score=outcome_after.overall,
        plan_grade=profile.grade(outcome_after.overall)
        if outcome_after.overall is not None
        else None,
        beyond_bar=beyond_bar,
    )


def best_path(
    search: Search, chosen: frozenset[int] | None, subsets: list[frozenset[int]]
) -> tuple[list[int], bool]:
    """(ordered steps, reaches the bar).  Without a reaching set: the set that gets
    closest to the bar, so the reader still sees how far the catalogue goes."""
    if chosen is not None:
        return _order_steps(search, chosen), True
    if not subsets:
        return [], False
    best = max(subsets, key=lambda s: (round(search.progress(s), 1), -search.cost(s)))
    if search.progress(best) <= search.progress(frozenset()) + 1e-9:
        return [], False
    for index in list(best):  # keep only steps that add progress
        smaller = best - {index}
        if smaller in subsets and search.progress(smaller) >= search.progress(best) - 1e-9:
            best = smaller
    return _order_steps(search, best), False


def greedy(
    searches: list[Search],
    chosen: dict[int, frozenset[int] | None],
    subsets: dict[int, list[frozenset[int]]],
    run: ModelRun,
) -> None:
    state = {id(s): frozenset[int]() for s in searches}
    active = [s for s in searches if not s.reaches(frozenset())]
    for s in searches:
        subsets[id(s)] = [frozenset()]
        if s.reaches(frozenset()):
            chosen[id(s)] = frozenset()
    _greedy_climb(active, state, chosen, subsets, run)
    _greedy_prune(searches, chosen, run)
    for search in searches:
        if chosen.get(id(search)) is None:
            subsets[id(search)].append(state[id(search)])
            _evaluate_prefixes(search, state[id(search)], run)


def _greedy_climb(
    active: list[Search],
    state: dict[int, frozenset[int]],
    chosen: dict[int, frozenset[int] | None],
    subsets: dict[int, list[frozenset[int]]],
    run: ModelRun,
) -> None:
    """Add the best option step by step until each search reaches the bar, stalls or runs out."""
    for _ in range(GREEDY_MAX_STEPS):
        if not active:
            break
        options = {id(s): _greedy_options(s, state[id(s)]) for s in active}
        evaluate([(s, o) for s in active for o in options[id(s)]], run)
        still: list[Search] = []
        for search in active:
            picked = _pick_option(search, state[id(search)], options[id(search)])
            if picked is None:
                chosen[id(search)] = None
                continue
            state[id(search)] = picked
            subsets[id(search)].append(picked)
            if search.reaches(picked):
                chosen[id(search)] = picked
            else:
                still.append(search)
        active = still
    for search in active:
        chosen[id(search)] = None


def _greedy_prune(
    searches: list[Search],
    chosen: dict[int, frozenset[int] | None],
    run: ModelRun,
) -> None:
    """Drop steps the reached plans do not need, then score every prefix of what is left."""
    reached = [s for s in searches if chosen.get(id(s))]
    removals = [
        (s, picked - {i}) for s in reached if (picked := chosen[id(s)]) is not None for i in picked
    ]
    evaluate([(s, sub) for s, sub in removals if sub], run)
    for search in reached:
        picked = chosen[id(search)]
        if picked:
            pruned = _prune(search, picked)
            chosen[id(search)] = pruned
            # every prefix of the ordered path must be scored for the step table
            _evaluate_prefixes(search, pruned, run)


def _evaluate_prefixes(
    search: Search,
    chosen: frozenset[int],
    run: ModelRun,
) -> None:
    """Score every subset of a (small) chosen set, so any step order can be shown."""
    everything = valid_subsets(search, sorted(chosen))
    evaluate([(search, s) for s in everything], run)


def beyond_bar(
    searches: list[Search],
    plans: dict[int, tuple[list[int], bool]],
    run: ModelRun,
) -> dict[int, list[PlanStep]]:
    """Optional steps once the bar is reached: the best overall gain per euro, each
    marked ``beyond_bar: true``; never part of the path or its cost."""
    state = {id(s): frozenset(plans[id(s)][0]) for s in searches if plans[id(s)][1]}
    found: dict[int, list[PlanStep]] = {key: [] for key in state}
    active = [s for s in searches if id(s) in state]
    for _ in range(BEYOND_BAR_MAX_STEPS):
        if not active:
            break
        wanted = [
            (s, state[id(s)] | {i})
            for s in active
            for i in range(len(s.candidates))
            if s.compatible(state[id(s)], i)
        ]
        evaluate(wanted, run)
        still = []
        for search in active:
            here = search.outcome(state[id(search)])
            best: tuple[tuple[float, float], int] | None = None
            for s, subset in wanted:
                if s is not search:
                    continue
                (index,) = subset - state[id(search)]
                outcome = search.outcome(subset)
                gain = _gain(here.overall, outcome.overall)
                total_gain = round(outcome.total - here.total, 1)
                if gain < 0 or (gain == 0 and total_gain <= 0):
                    continue
                cost = search.candidates[index].cost_eur
                key = (_rate(gain, cost), _rate(total_gain, cost))
                if best is None or key > best[0]:
                    best = (key, index)
            if best is None:
                continue
            index = best[1]
            step = plan_step(search, state[id(search)], index, run.profile, True)
            found[id(search)].append(step)
            state[id(search)] = state[id(search)] | {index}
            still.append(search)
        active = still
    return found


def _gain(before: float | None, after: float | None) -> float:
    if before is None or after is None:
        return 0.0
    return round(after - before, 1)
