"""The integration under test, behind a guard: every contract call is timed and its answer checked.

A partner's integration can hang, answer with the wrong type or fail to build. Left alone, each
would surface far from its cause (a step's AttributeError on a dict, a run that never ends, every
scenario failing in set-up); the guard names the contract method and what went wrong, where the
harness called it. Everything else (attributes, `isinstance`, bound methods handed to the
simulator) reaches the integration unchanged.
"""

from __future__ import annotations

import functools
import inspect
import queue
import re
import signal
import threading
import time
import types
import typing
import weakref
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest

from poscert.driver_check import contract_methods
from poscert.results import BROKEN, INTERRUPTED


class DriverFault(pytest.fail.Exception):
    """The integration broke the contract where the harness called it: the scenario fails with this message.

    A subclass of pytest's own failure, which is not an `Exception`: a step that expects the
    integration to refuse something (`except Exception`) never takes a time-out for a refusal.
    """

    # The run's outcome when this stops the whole run; None: only the scenario fails.
    stops: str | None = None


class CallTimedOut(DriverFault):
    """A contract call did not return within the call time-out."""


class WrongReturn(DriverFault):
    """A contract call returned something its annotation does not allow."""


class RunTimedOut(DriverFault):
    """The run's time-out was reached during a contract call: the run stops."""

    stops = INTERRUPTED


class BuildFailed(DriverFault):
    """The integration could not be built as the platform builds it: no scenario can run, the run stops."""

    stops = BROKEN


@dataclass(frozen=True)
class TimeLimits:
    """How long one contract call, and the whole run, may take (seconds; None or 0: no limit)."""

    call: float | None = None
    run: float | None = None
    started: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        object.__setattr__(self, "call", self.call or None)
        object.__setattr__(self, "run", self.run or None)

    @property
    def deadline(self) -> float | None:
        return None if self.run is None else self.started + self.run


class TimeUp(BaseException):
    """A call's time ran out here: inside the call (Alarm), or where the harness stopped waiting (Worker)."""


class Alarm:
    """Times calls made on the main thread with SIGALRM (POSIX).

    No other thread is involved, so a call costs two timer settings rather than two thread
    switches (which a busy machine makes slow); and a call that runs out of time is unwound where
    it hangs: its traceback says where, and nothing of it goes on during the next scenarios.
    """

    stuck = False  # a call it gave up on never goes on

    def __init__(self) -> None:
        self._armed = False
        self._rang = False

    def run(self, fn: Callable[..., Any], args: tuple, kwargs: dict, timeout: float) -> Any:
        __tracebackhide__ = True
        if self._armed:  # called back from inside a call (a webhook): the outer call's time covers it
            return fn(*args, **kwargs)
        if threading.current_thread() is not threading.main_thread():  # SIGALRM cannot reach it: untimed
            return fn(*args, **kwargs)
        previous = signal.signal(signal.SIGALRM, self._ring)
        self._armed, self._rang = True, False
        signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            try:
                value = fn(*args, **kwargs)
            finally:
                self._armed = False  # a signal still on its way is ignored from here on
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, signal.SIG_DFL if previous is None else previous)
        if self._rang:  # the integration caught TimeUp and went on: too late all the same
            raise TimeUp
        return value

    def _ring(self, signum: int, frame: Any) -> None:
        __tracebackhide__ = True
        if self._armed:
            self._rang = True
            raise TimeUp("the integration was here when its time ran out")

    def close(self) -> None:
        """Nothing to release."""


class Worker:
    """Times calls on one daemon thread that runs an integration's calls in turn, where SIGALRM cannot
    serve (off the main thread, or without POSIX timers): the harness stops waiting for a call that
    runs out of time, which goes on in the background.

    A daemon, so a call that never returns cannot keep the process alive; reused for every call of
    one integration, so a call costs a queue hand-off rather than a thread.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.stuck = False  # a call goes on that nobody waits for any more (it timed out, or Ctrl-C came)
        self._thread: threading.Thread | None = None
        self._jobs: queue.SimpleQueue | None = None
        self._busy = False  # a call is on the worker now

    def run(self, fn: Callable[..., Any], args: tuple, kwargs: dict, timeout: float) -> Any:
        __tracebackhide__ = True
        if threading.current_thread() is self._thread:  # called back from inside a call (a webhook): no hand-off
            return fn(*args, **kwargs)
        if self._busy:
            # Called back from another thread during a call: a webhook the simulator, served on localhost to an
            # integration driven over HTTP, delivers while handling that call's request. Queued behind the
            # call, it would wait for the call that waits for it; the outer call's time covers it, as with Alarm.
            return fn(*args, **kwargs)
        if self._jobs is None:
            self._jobs = queue.SimpleQueue()
            self._thread = threading.Thread(target=_serve, args=(self._jobs,), name=self.name, daemon=True)
            self._thread.start()
        done = threading.Lock()  # held until the call ends: cheaper than an Event on this hot path
        done.acquire()
        box: list[tuple[bool, Any]] = []
        self._jobs.put((fn, args, kwargs, box, done))
        self._busy = True
        try:
            finished = done.acquire(timeout=timeout)
        except BaseException:
            self.stuck = True
            raise
        finally:
            self._busy = False
        if not finished:
            self.stuck = True
            raise TimeUp
        ok, value = box.pop()
        if not ok:
            raise value
        return value

    def close(self) -> None:
        if self._jobs is not None:
            self._jobs.put(None)
            self._jobs = self._thread = None


def _serve(jobs: queue.SimpleQueue) -> None:
    __tracebackhide__ = True
    while (job := jobs.get()) is not None:
        fn, args, kwargs, box, done = job
        try:
            box.append((True, fn(*args, **kwargs)))
        except BaseException as exc:  # handed to the caller's thread, which raises it there
            box.append((False, exc))
        done.release()
        del job, fn, args, kwargs, box, done


Timer = Alarm | Worker


def timer_for(cls: type, limits: TimeLimits) -> Timer | None:
    """How the calls of one integration are timed: not at all without limits, else by SIGALRM where it can."""
    if limits.call is None and limits.run is None:
        return None
    if hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread():
        return Alarm()
    return Worker(f"poscert-{cls.__name__}")


@functools.cache
def _returns(contract: type) -> dict[str, Any]:
    """Each contract method's return annotation, resolved (the contracts use `from __future__ import annotations`)."""
    return {
        name: typing.get_type_hints(getattr(contract, name)).get("return", Any) for name in contract_methods(contract)
    }


class GuardedDriver:
    """The integration as the steps see it: contract methods timed and checked, everything else passed through."""

    __slots__ = ("_target", "_contract", "_limits", "_timer", "_abandoned", "__weakref__")

    def __init__(self, target: Any, contract: type, limits: TimeLimits, timer: Timer | None) -> None:
        object.__setattr__(self, "_target", target)
        object.__setattr__(self, "_contract", contract)
        object.__setattr__(self, "_limits", limits)
        object.__setattr__(self, "_timer", timer)
        object.__setattr__(self, "_abandoned", None)  # why the integration is no longer called: a call goes on
        if timer is not None:
            weakref.finalize(self, timer.close)

    @property  # type: ignore[misc]
    def __class__(self) -> type:  # isinstance(driver, TheirClass) holds, as without the guard
        return type(self._target)

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)
        if name not in _returns(self._contract) or not callable(value):
            return value
        return functools.partial(self._call, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self._target, name, value)

    def __repr__(self) -> str:
        return repr(self._target)

    def _call(self, name: str, method: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True
        label = f"{self._contract.__name__}.{name}"
        if self._abandoned is not None:
            if name == "close":  # its thread is still inside the call it gave up on: nothing can be released
                return None
            raise CallTimedOut(f"{label} was not called: {self._abandoned}")
        try:
            result = _timed(self._timer, self._limits, label, method, args, kwargs)
        except BaseException as stopped:
            if self._timer is not None and self._timer.stuck:
                object.__setattr__(self, "_abandoned", str(stopped) or f"the run was interrupted during {label}")
            raise
        hint = _returns(self._contract)[name]
        wrong = mismatch(result, hint)
        if wrong is not None:
            expected = shown(hint)
            raise WrongReturn(
                f"{label} returned {wrong}, expected {expected if hint is type(None) else _article(expected)}"
            )
        if name == "close" and self._timer is not None:
            self._timer.close()
        return result


def _timed(
    timer: Timer | None, limits: TimeLimits, label: str, fn: Callable[..., Any], args: tuple, kwargs: dict
) -> Any:
    """Run one call within the call time-out and what is left of the run's."""
    __tracebackhide__ = True
    if timer is None:
        return fn(*args, **kwargs)
    wait, by_run = limits.call, False
    if limits.deadline is not None:
        left = limits.deadline - time.monotonic()
        if left <= 0:
            raise RunTimedOut(f"the run time-out ({limits.run:g} s) was reached before {label} was called")
        if wait is None or left < wait:
            wait, by_run = left, True
    try:
        return timer.run(fn, args, kwargs, wait)
    except TimeUp as late:  # chained: with SIGALRM, its traceback is where the integration was when time ran out
        if by_run:
            raise RunTimedOut(f"the run time-out ({limits.run:g} s) was reached while {label} was running") from late
        raise CallTimedOut(f"{label} did not return within {limits.call:g} s") from late


def build(cls: type, contract: type, args: tuple, limits: TimeLimits) -> GuardedDriver:
    """`cls(*args)` behind a guard; a constructor that raises or hangs stops the run (BuildFailed)."""
    __tracebackhide__ = True
    timer = timer_for(cls, limits)
    call = f"{cls.__name__}({', '.join(list(inspect.signature(contract.__init__).parameters)[1:])})"
    try:
        target = _timed(timer, limits, call, cls, args, {})
    except CallTimedOut as fault:
        raise BuildFailed(f"{contract.__name__} integrations are built as {call} for every scenario: {fault}") from None
    except Exception as exc:
        raise BuildFailed(
            f"{contract.__name__} integrations are built as {call} for every scenario, and {call} raised "
            f"{type(exc).__name__}: {exc}"
        ) from exc
    return GuardedDriver(target, contract, limits, timer)


def seconds(text: str) -> float:
    """A time-out option's value: seconds, 0 meaning no limit."""
    value = float(text)
    if value < 0:
        raise ValueError(f"a time-out cannot be negative: {text}")
    return value


def mismatch(value: Any, hint: Any) -> str | None:
    """What `value` is when `hint` does not allow it ("a dict"), or None when it does.

    Judges what contracts use: classes, None, unions, and containers of them; any other annotation
    is not judged.
    """
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any:
        return None
    if hint is None or hint is type(None):
        return None if value is None else _a(value)
    if origin in (typing.Union, types.UnionType):
        return None if any(mismatch(value, option) is None for option in args) else _a(value)
    if origin is None:
        if not isinstance(hint, type):
            return None
        conforms = isinstance(value, hint) and not (hint is int and isinstance(value, bool))
        return None if conforms else _a(value)
    if not isinstance(origin, type):
        return None
    if not isinstance(value, origin):
        return _a(value)
    if issubclass(origin, Mapping) and len(args) == 2:
        pairs = [(args[0], key) for key in value] + [(args[1], item) for item in value.values()]
    elif origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
        if len(args) != len(value):
            return f"{_a(value)} of {len(value)}"
        pairs = list(zip(args, value, strict=True))
    elif issubclass(origin, Collection) and args:
        pairs = [(args[0], item) for item in value]
    else:
        pairs = []
    for item_hint, item in pairs:
        wrong = mismatch(item, item_hint)
        if wrong is not None:
            return f"{_a(value)} holding {wrong}"
    return None


def _a(value: Any) -> str:
    return "None" if value is None else _article(type(value).__name__)


def _article(noun: str) -> str:
    return f"{'an' if noun[0].lower() in 'aeiou' else 'a'} {noun}"


def shown(hint: Any) -> str:
    """An annotation as a partner reads it: `list[tuple[str, str]]`, `LoyaltyScreen | None`."""
    if hint is type(None):
        return "None"
    text = hint.__name__ if isinstance(hint, type) and not typing.get_args(hint) else inspect.formatannotation(hint)
    return re.sub(r"\b(?:\w+\.)+(\w+)", r"\1", text)
