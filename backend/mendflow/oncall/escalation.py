"""Escalation policies: which targets are notified when, as a pure function of the start time and a clock.

The model follows PagerDuty: level 0 is notified when the incident starts; each level's `delay` is
how long to wait for an acknowledgement before notifying the next level; after the last level's
delay the whole policy starts again, `repeat` more times. With levels delayed 10m and 15m and
repeat 1, notifications go out at +0 (level 0), +10m (level 1), +25m (level 0 again), +35m
(level 1 again). Stopping on acknowledgement is the caller's business: these functions only say
what is due by a given `now`, so a test (or a crash-resumed worker) can ask at any instant.

Levels and rounds are numbered from 0, like the `levels.0` field paths of errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from mendflow.errors import InvalidError

TARGET_KINDS = ("user", "schedule", "team")
MAX_REPEAT = 10
MAX_DELAY = timedelta(days=7)


class EscalationError(InvalidError, ValueError):
    """A policy that cannot be run; `field` is the dotted path of the bad value (`levels.1.delay`)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message, field=field)
        self.field = field

    def __str__(self) -> str:
        return f"{self.field}: {self.message}" if self.field else self.message


@dataclass(frozen=True)
class Target:
    """Whom a level notifies: a user, whoever is on call on a schedule, or a team."""

    kind: str
    id: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"


@dataclass(frozen=True)
class Level:
    """Targets notified together; `delay` is the wait at this level before the next one is notified."""

    targets: tuple[Target, ...]
    delay: timedelta

    def __post_init__(self) -> None:
        object.__setattr__(self, "targets", tuple(self.targets))


@dataclass(frozen=True)
class EscalationPolicy:
    """Levels notified one after the other; the whole sequence runs `repeat` more times (0..10)."""

    id: str
    name: str
    levels: tuple[Level, ...]
    repeat: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "levels", tuple(self.levels))

    @property
    def round_length(self) -> timedelta:
        """Time from notifying level 0 to notifying it again: the sum of every level's delay."""
        return sum((level.delay for level in self.levels), timedelta(0))


@dataclass(frozen=True)
class EscalationStep:
    """One notification moment: level `level` of round `round` is notified at `at`."""

    at: datetime
    level: int
    round: int
    targets: tuple[Target, ...]


def validate_policy(policy: EscalationPolicy) -> None:
    """Raise the first `EscalationError` of `policy`, if it has any."""
    for error in policy_errors(policy):
        raise error


def policy_errors(policy: EscalationPolicy) -> list[EscalationError]:
    """Every problem of `policy`, each naming its field, in document order."""
    errors: list[EscalationError] = []
    if not policy.levels:
        errors.append(EscalationError("levels", "a policy needs at least one level"))
    for i, level in enumerate(policy.levels):
        errors += _level_errors(level, f"levels.{i}")
    if isinstance(policy.repeat, bool) or not isinstance(policy.repeat, int) or not 0 <= policy.repeat <= MAX_REPEAT:
        errors.append(EscalationError("repeat", f"repeat must be a whole number from 0 to {MAX_REPEAT}, "
                                      f"not {policy.repeat!r}"))
    elif policy.repeat and not errors and policy.round_length <= timedelta(0):
        errors.append(EscalationError("repeat", "a policy that repeats needs at least one level with a delay "
                                      "above zero, or it would notify every round at once"))
    return errors


def _level_errors(level: Level, path: str) -> list[EscalationError]:
    errors: list[EscalationError] = []
    if not level.targets:
        errors.append(EscalationError(f"{path}.targets", "a level needs at least one target"))
    seen: set[tuple[str, str]] = set()
    for j, target in enumerate(level.targets):
        at = f"{path}.targets.{j}"
        if target.kind not in TARGET_KINDS:
            errors.append(EscalationError(f"{at}.kind", f"{target.kind!r} is not a target kind; "
                                          "use user, schedule or team"))
        if not isinstance(target.id, str) or not target.id.strip():
            errors.append(EscalationError(f"{at}.id", "a target needs an id"))
        if (target.kind, target.id) in seen:
            errors.append(EscalationError(at, f"{target} is already a target of this level"))
        seen.add((target.kind, target.id))
    if not isinstance(level.delay, timedelta):
        errors.append(EscalationError(f"{path}.delay", "must be a duration"))
    elif level.delay < timedelta(0):
        errors.append(EscalationError(f"{path}.delay", "a delay cannot be negative"))
    elif level.delay > MAX_DELAY:
        errors.append(EscalationError(f"{path}.delay", f"a delay may be at most {MAX_DELAY.days}d"))
    return errors


def escalation_plan(policy: EscalationPolicy, started_at: datetime) -> list[EscalationStep]:
    """Every notification moment of the policy from `started_at`, in order: len(levels) * (repeat + 1) steps.

    Delays are elapsed time (a 1h delay across a DST change is one real hour); `at` is in UTC.
    """
    validate_policy(policy)
    _check_instant(started_at, "started_at")
    steps: list[EscalationStep] = []
    at = started_at.astimezone(UTC)  # elapsed time: adding to a zoned datetime would follow its wall clock
    for round_ in range(policy.repeat + 1):
        for index, level in enumerate(policy.levels):
            steps.append(EscalationStep(at, index, round_, level.targets))
            at += level.delay
    return steps


def due_steps(policy: EscalationPolicy, started_at: datetime, now: datetime) -> list[EscalationStep]:
    """The steps whose time has come by `now` (at <= now), in order."""
    _check_now(now)
    return [step for step in escalation_plan(policy, started_at) if step.at <= now]


def next_step_after(policy: EscalationPolicy, started_at: datetime, now: datetime) -> EscalationStep | None:
    """The first step still to come after `now` (at > now), or None once the policy is exhausted."""
    _check_now(now)
    return next((step for step in escalation_plan(policy, started_at) if step.at > now), None)


def _check_now(now: datetime) -> None:
    _check_instant(now, "now")


def _check_instant(value: datetime, field: str) -> None:
    if value.utcoffset() is None:
        raise EscalationError(field, "needs a UTC offset or time zone (a naive date-time is ambiguous)")
    if not 1900 <= value.year <= 2999:
        raise EscalationError(field, "must fall between the years 1900 and 2999")
