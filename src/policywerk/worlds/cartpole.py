r"""The cart-pole of Barto, Sutton & Anderson (1983): a pole hinged on a cart, to be kept upright.

The state is ``(x, x_dot, theta, theta_dot)``: the cart's position (m) and velocity (m/s), the
pole's angle from upright (rad, positive leaning right) and its angular velocity (rad/s). Each step
pushes the cart with a force of +10 N or -10 N for ``tau`` = 0.02 s. The equations of motion are the
paper's, friction included:

    theta_acc = (g sin(th) + cos(th) [(-F - m l th_dot^2 sin(th) + mu_c sgn(x_dot)) / (m_c + m)]
                 - mu_p th_dot / (m l))  /  (l [4/3 - m cos^2(th) / (m_c + m)])
    x_acc     = (F + m l [th_dot^2 sin(th) - theta_acc cos(th)] - mu_c sgn(x_dot)) / (m_c + m)

integrated with Euler's method: the new position uses the old velocity, the new velocity the
acceleration. A trial fails when the cart leaves the track (|x| > 2.4 m) or the pole falls past
12 degrees.

The paper's learner never sees the four numbers. A fixed *decoder* sorts the state into one of 162
boxes (3 cart positions x 3 cart velocities x 6 pole angles x 3 pole angular velocities); ``box_of``
is that decoder. Lesson 06's ``ForceCartPole`` is the same physics pushed by any force in a range,
seen as the four numbers themselves.
"""

import math
from bisect import bisect_right
from dataclasses import dataclass
from typing import NamedTuple

from policywerk.math.checks import is_whole
from policywerk.math.random import Rng
from policywerk.rl.mdp import Box, Discrete, check_max_steps

State = tuple[float, float, float, float]  # x, x_dot, theta, theta_dot
UPRIGHT: State = (0.0, 0.0, 0.0, 0.0)


@dataclass(frozen=True)
class Physics:
    """The paper's constants, in SI units."""

    gravity: float = 9.8
    cart_mass: float = 1.0
    pole_mass: float = 0.1
    half_length: float = 0.5  # l: from the hinge to the pole's centre of mass
    cart_friction: float = 0.0005  # mu_c, against the track
    pole_friction: float = 0.000002  # mu_p, in the hinge
    tau: float = 0.02  # seconds per step
    x_limit: float = 2.4  # the track ends here (m)
    theta_limit: float = math.radians(12.0)  # the pole has fallen past here


def accelerations(state: State, force: float, p: Physics = Physics()) -> tuple[float, float]:
    """The paper's equations of motion: (x_acc, theta_acc) under ``force`` newtons."""
    _, x_dot, theta, theta_dot = state
    m, l = p.pole_mass, p.half_length
    total = p.cart_mass + m
    sin, cos = math.sin(theta), math.cos(theta)
    sgn = (x_dot > 0.0) - (x_dot < 0.0)
    push = (-force - m * l * theta_dot * theta_dot * sin + p.cart_friction * sgn) / total
    theta_acc = ((p.gravity * sin + cos * push - p.pole_friction * theta_dot / (m * l))
                 / (l * (4.0 / 3.0 - m * cos * cos / total)))
    x_acc = (force + m * l * (theta_dot * theta_dot * sin - theta_acc * cos)
             - p.cart_friction * sgn) / total
    return x_acc, theta_acc


def euler_step(state: State, force: float, p: Physics = Physics()) -> State:
    """One step of ``tau`` seconds: positions move with the old velocities, velocities with the
    accelerations."""
    x, x_dot, theta, theta_dot = state
    x_acc, theta_acc = accelerations(state, force, p)
    return (x + p.tau * x_dot, x_dot + p.tau * x_acc,
            theta + p.tau * theta_dot, theta_dot + p.tau * theta_acc)


def failed(state: State, p: Physics = Physics()) -> bool:
    return abs(state[0]) > p.x_limit or abs(state[2]) > p.theta_limit


# --- the paper's decoder: 162 boxes ---------------------------------------------------------------
# Thresholds between the bins of each variable (a value on a threshold falls in the bin above it).
X_CUTS = (-0.8, 0.8)  # m
X_DOT_CUTS = (-0.5, 0.5)  # m/s
THETA_CUTS = tuple(math.radians(d) for d in (-6.0, -1.0, 0.0, 1.0, 6.0))  # rad
THETA_DOT_CUTS = (math.radians(-50.0), math.radians(50.0))  # rad/s
BINS = (len(X_CUTS) + 1, len(X_DOT_CUTS) + 1,
        len(THETA_CUTS) + 1, len(THETA_DOT_CUTS) + 1)  # 3, 3, 6, 3
N_BOXES = BINS[0] * BINS[1] * BINS[2] * BINS[3]  # 162


class Bins(NamedTuple):
    """The bin of each of the four variables, counting from 0 (a tuple, so it unpacks in order)."""

    position: int  # 0..2
    velocity: int  # 0..2
    angle: int  # 0..5: < -6°, -6..-1°, -1..0°, 0..1°, 1..6°, > 6°
    spin: int  # 0..2: turning left faster than 50°/s, slower either way, turning right faster


def bins_of(state: State) -> Bins:
    """Which bin each of the four variables falls in."""
    x, x_dot, theta, theta_dot = state
    return Bins(bisect_right(X_CUTS, x), bisect_right(X_DOT_CUTS, x_dot),
                bisect_right(THETA_CUTS, theta), bisect_right(THETA_DOT_CUTS, theta_dot))


def box_of(state: State) -> int:
    """The box (0..161) of a state that has not failed; the learner's whole view of the world."""
    i, j, k, n = bins_of(state)
    return ((i * BINS[1] + j) * BINS[2] + k) * BINS[3] + n


def box_bins(box: int) -> Bins:
    """The inverse of ``box_of``'s numbering: the four bins of a box."""
    if not is_whole(box) or not 0 <= box < N_BOXES:
        raise ValueError(f"box must be an int in 0..{N_BOXES - 1}, got {box!r}")
    rest, n = divmod(box, BINS[3])
    rest, k = divmod(rest, BINS[2])
    i, j = divmod(rest, BINS[1])
    return Bins(i, j, k, n)


class CartPole:
    """The paper's task, Gymnasium-style: action 0 pushes left (-10 N), 1 pushes right (+10 N).

    ``step`` returns the reinforcement of the paper: -1 on the step that fails, 0 otherwise. A trial
    starts upright and at rest in the middle of the track, as in the paper; ``start_noise`` > 0
    instead draws each variable uniformly from +/- that much (Gymnasium uses 0.05).
    ``max_steps`` truncates a trial.
    """

    FORCE = 10.0

    def __init__(self, physics: Physics = Physics(), start_noise: float = 0.0,
                 max_steps: int | None = None):
        if not start_noise >= 0.0:  # also rejects nan
            raise ValueError(f"start_noise must be >= 0, got {start_noise}")
        self.physics = physics
        self.start_noise = start_noise
        self.max_steps = check_max_steps(max_steps)
        self.action_space = Discrete(2)
        # What box_of(obs) ranges over; obs itself is 4 floats.
        self.observation_space = Discrete(N_BOXES)
        self.state: State | None = None
        self.steps = 0
        self._rng: Rng | None = None

    def reset(self, seed: int | None = None) -> tuple[State, dict]:
        if seed is not None or self._rng is None:
            self._rng = Rng(0 if seed is None else seed)
        u = self.start_noise
        self.state = UPRIGHT if u == 0.0 else tuple(self._rng.uniform(-u, u) for _ in range(4))
        self.steps = 0
        return self.state, {}

    def step(self, action: int) -> tuple[State, float, bool, bool, dict]:
        if self.state is None:
            raise RuntimeError("call reset() before step()")
        if failed(self.state, self.physics):
            raise RuntimeError("the trial has failed; call reset() to start a new one")
        if not self.action_space.contains(action):
            raise ValueError(f"action must be 0 (push left) or 1 (push right), got {action!r}")
        force = self.FORCE if action == 1 else -self.FORCE
        self.state = euler_step(self.state, force, self.physics)
        self.steps += 1
        terminated = failed(self.state, self.physics)
        truncated = not terminated and self.max_steps is not None and self.steps >= self.max_steps
        return self.state, -1.0 if terminated else 0.0, terminated, truncated, {}


class ForceCartPole:
    """The same cart and pole pushed by a continuous force, Gymnasium-style, as lesson 06 learns it.

    An action is a force in newtons; one outside ``[-max_force, max_force]`` is clipped to the range
    (as Gymnasium's continuous-control worlds clip), and ``info["force"]`` says what was applied.
    The observation is the state itself. Every step after which the pole is still up earns +1, so
    an episode's return counts the steps it balanced; ``max_steps`` (500) truncates an episode.
    Each episode starts from a state drawn uniformly from +/- ``start_noise`` in every variable.
    """

    def __init__(self, physics: Physics = Physics(), max_force: float = 10.0,
                 start_noise: float = 0.05, max_steps: int | None = 500):
        is_number = isinstance(max_force, (int, float)) and not isinstance(max_force, bool)
        if not is_number or not 0.0 < max_force < math.inf:
            raise ValueError("max_force must be a positive, finite number of newtons, "
                             f"got {max_force!r}")
        # This also rejects nan; a start must not have failed already.
        if not 0.0 <= start_noise < physics.theta_limit:
            raise ValueError(f"start_noise must be in [0, {physics.theta_limit:.3f}), "
                             f"got {start_noise!r}")
        self.physics = physics
        self.start_noise = start_noise
        self.max_steps = check_max_steps(max_steps)
        self.action_space = Box(-max_force, max_force)
        self.state: State | None = None
        self.steps = 0
        self._rng: Rng | None = None

    def reset(self, seed: int | None = None) -> tuple[State, dict]:
        if seed is not None or self._rng is None:
            self._rng = Rng(0 if seed is None else seed)
        u = self.start_noise
        self.state = tuple(self._rng.uniform(-u, u) for _ in range(4))
        self.steps = 0
        return self.state, {}

    def step(self, action: float) -> tuple[State, float, bool, bool, dict]:
        if self.state is None:
            raise RuntimeError("call reset() before step()")
        if failed(self.state, self.physics):
            raise RuntimeError("the pole has fallen; call reset() to start a new episode")
        is_number = isinstance(action, (int, float)) and not isinstance(action, bool)
        if not is_number or not -math.inf < action < math.inf:
            raise ValueError(f"action must be a finite force in newtons, got {action!r}")
        # A float, even for an int action.
        force = min(max(action, self.action_space.low), self.action_space.high) * 1.0
        self.state = euler_step(self.state, force, self.physics)
        self.steps += 1
        terminated = failed(self.state, self.physics)
        truncated = not terminated and self.max_steps is not None and self.steps >= self.max_steps
        return self.state, 0.0 if terminated else 1.0, terminated, truncated, {"force": force}
