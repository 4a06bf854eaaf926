r"""Proximal policy optimisation (Schulman et al. 2017): a Gaussian policy over a continuous action.

The policy is a normal distribution $\pi_\theta(a \mid s) = \mathcal N(\mu_\theta(s), \sigma^2)$: a
small network computes the mean, and $\log\sigma$ is one more learned number, the same in every
state. A second network, the critic, estimates the value $V(s)$. Each iteration

1. runs the current policy for ``horizon`` steps and keeps, per step, $s, a, r$ and
   $\log\pi_{old}(a \mid s)$;
2. turns the rewards into advantages by generalised advantage estimation (``gae``);
3. makes ``epochs`` passes over the batch in shuffled minibatches, each an Adam step on

       loss = -[min(r_t A_t, clip(r_t, 1 - eps, 1 + eps) A_t) + c_H H(pi)] + (1/2) (V(s_t) - R_t)^2

   with the probability ratio $r_t = \pi_\theta(a_t \mid s_t) / \pi_{old}(a_t \mid s_t)$ and value
   targets $R_t = A_t + V_{old}(s_t)$. ``Config(clip=None)`` drops the clip: the plain surrogate
   $r_t A_t$, whose gradient is the policy gradient, for the ablation.
"""

import math
from dataclasses import dataclass, field

from policywerk.math.checks import whole
from policywerk.math.random import Rng
from policywerk.nn.layers import Dense, Sequential, mlp
from policywerk.nn.optim import Adam
from policywerk.session import progress

LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)


# --- the Gaussian policy's pieces, each one line of its equation ----------------------------------
def gaussian_log_prob(a: float, mu: float, log_std: float) -> float:
    """log N(a; mu, sigma^2) = -(a - mu)^2 / (2 sigma^2) - log sigma - log sqrt(2 pi)."""
    z = (a - mu) / math.exp(log_std)
    return -0.5 * z * z - log_std - LOG_SQRT_2PI


def gaussian_log_prob_grads(a: float, mu: float, log_std: float) -> tuple[float, float]:
    """(d/dmu, d/dlog sigma) of the log-probability:
    (a - mu) / sigma^2 and (a - mu)^2 / sigma^2 - 1."""
    z = (a - mu) / math.exp(log_std)
    return z / math.exp(log_std), z * z - 1.0


def gaussian_entropy(log_std: float) -> float:
    """H = log sigma + (1/2) log(2 pi e): a wider Gaussian is less certain, whatever its mean."""
    return log_std + LOG_SQRT_2PI + 0.5


def clipped_objective(ratio: float, advantage: float, clip: float | None) -> float:
    """min(r A, clip(r, 1 - eps, 1 + eps) A); with ``clip`` None, the plain surrogate r A."""
    if clip is None:
        return ratio * advantage
    return min(ratio * advantage, min(max(ratio, 1.0 - clip), 1.0 + clip) * advantage)


def clipped_objective_grad(ratio: float, advantage: float, clip: float | None) -> float:
    """d/dr of ``clipped_objective``: A, except where the clipped term is the smaller one. That
    happens when r has already moved past 1 + eps in the direction the advantage favours
    (r > 1 + eps with A > 0, r < 1 - eps with A < 0); there the gradient is 0 and this sample stops
    pulling."""
    if clip is not None and (ratio > 1.0 + clip if advantage > 0.0 else ratio < 1.0 - clip):
        return 0.0
    return advantage


def gae(rewards: list[float], values: list[float], next_values: list[float], ends: list[bool],
        gamma: float, lam: float) -> list[float]:
    """Generalised advantage estimates, computed backwards:

        delta_t = r_t + gamma V(s_{t+1}) - V(s_t)        A_t = delta_t + gamma lambda A_{t+1}

    ``next_values[t]`` is V(s_{t+1}), or 0 where the episode terminated (there is no future).
    ``ends[t]`` marks the last step of a stretch: a terminated or truncated episode, or the end of
    the batch; the sum does not reach past it. A truncated episode keeps V(s_{t+1}):
    it was cut off, not over."""
    if not len(rewards) == len(values) == len(next_values) == len(ends):
        raise ValueError("rewards, values, next_values and ends must have the same length")
    advantages = [0.0] * len(rewards)
    running = 0.0
    for t in range(len(rewards) - 1, -1, -1):
        delta = rewards[t] + gamma * next_values[t] - values[t]
        running = delta if ends[t] else delta + gamma * lam * running
        advantages[t] = running
    return advantages


# --- the agent ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Config:
    hidden: int = 16  # one hidden layer of this many tanh units in each network (the paper: 64, 64)
    horizon: int = 1024  # steps of experience per iteration (the paper: 2048)
    epochs: int = 10  # passes over each batch (the paper: 10)
    minibatch: int = 64  # steps per Adam step (the paper: 64)
    lr: float = 1e-3  # Adam's step size for both networks (the paper: 3e-4)
    gamma: float = 0.99  # discount (the paper's)
    lam: float = 0.95  # GAE's lambda
    clip: float | None = 0.2  # epsilon; None for the plain surrogate (no clipping)
    entropy: float = 0.001  # c_H, the entropy bonus (the paper: 0 for continuous control)
    log_std_init: float = math.log(3.0)  # sigma starts at 3 N


# Inputs to both networks: each variable in units of a typical size
# (the failure limits for x and theta).
SCALES = (2.4, 2.0, 0.21, 2.0)


def features(state) -> list[float]:
    return [v / s for v, s in zip(state, SCALES)]


class GaussianPolicy:
    """mu(s) from a network, sigma = exp(log_std) from one learned number."""

    def __init__(self, hidden: int, log_std: float, rng: Rng):
        self.mean = mlp([4, hidden, 1], rng, activation="tanh")
        last = self.mean.layers[-1]
        assert isinstance(last, Dense)
        # Start near mu = 0: no preferred direction.
        last.w = [[0.01 * w for w in row] for row in last.w]
        last.dw = [[0.0] * len(row) for row in last.w]
        self.log_std, self.dlog_std = [log_std], [0.0]

    def parameters(self):
        return [*self.mean.parameters(), (self.log_std, self.dlog_std)]

    def zero_grad(self) -> None:
        self.mean.zero_grad()
        self.dlog_std[0] = 0.0

    def copy(self) -> "GaussianPolicy":
        clone = GaussianPolicy(len(self.mean.layers[0].w), self.log_std[0], Rng(0))
        clone.mean.copy_from(self.mean)
        return clone

    def mu(self, state) -> float:
        return self.mean.forward(features(state))[0]

    def sample(self, state, rng: Rng) -> tuple[float, float]:
        """An action and its log-probability."""
        mu = self.mu(state)
        a = rng.gauss(mu, math.exp(self.log_std[0]))
        return a, gaussian_log_prob(a, mu, self.log_std[0])


@dataclass
class Batch:
    states: list = field(default_factory=list)
    actions: list[float] = field(default_factory=list)
    log_probs: list[float] = field(default_factory=list)
    rewards: list[float] = field(default_factory=list)
    values: list[float] = field(default_factory=list)
    next_values: list[float] = field(default_factory=list)
    ends: list[bool] = field(default_factory=list)


@dataclass
class Iteration:
    """What one iteration saw and did."""

    steps: int  # environment steps so far, this iteration's included
    returns: list[float]  # returns of the episodes that ended in this iteration
    clip_fraction: float  # share of the update's samples whose ratio was outside [1 - eps, 1 + eps]
    approx_kl: float  # mean of log pi_old - log pi_new over the batch, after the update
    sigma: float  # the policy's standard deviation after the update
    value_loss: float  # mean (1/2)(V - R)^2 over the last epoch


@dataclass(frozen=True)
class Snapshot:
    """The policy's Gaussian after an iteration: its mean force at each reference state, and its
    standard deviation (the same in every state)."""

    means: list[float]
    sigma: float


@dataclass
class Run:
    policy: GaussianPolicy
    critic: Sequential
    iterations: list[Iteration] = field(default_factory=list)
    # the policy's Gaussian before the first iteration and after each
    snapshots: list[Snapshot] = field(default_factory=list)
    # copies of the policy after chosen iterations
    kept: dict[int, GaussianPolicy] = field(default_factory=dict)


class Rollout:
    """The environment kept running across iterations: a batch may end inside an episode."""

    def __init__(self, env, rng: Rng):
        self.env, self.rng = env, rng
        self.state, _ = env.reset(seed=rng.randrange(2**31))
        self.episode_return = 0.0

    def collect(self, policy: GaussianPolicy, critic: Sequential,
                steps: int) -> tuple[Batch, list[float]]:
        batch, finished = Batch(), []
        value = critic.forward(features(self.state))[0]
        for t in range(steps):
            state = self.state
            a, log_prob = policy.sample(state, self.rng)
            next_state, reward, terminated, truncated, _ = self.env.step(a)
            self.episode_return += reward
            batch.states.append(state)
            batch.actions.append(a)
            batch.log_probs.append(log_prob)
            batch.rewards.append(reward)
            batch.values.append(value)
            next_value = critic.forward(features(next_state))[0]  # also the next step's V(s)
            batch.next_values.append(0.0 if terminated else next_value)
            batch.ends.append(terminated or truncated or t == steps - 1)
            if terminated or truncated:
                finished.append(self.episode_return)
                self.episode_return = 0.0
                next_state, _ = self.env.reset()
                next_value = critic.forward(features(next_state))[0]
            self.state, value = next_state, next_value
        return batch, finished


def update(policy: GaussianPolicy, critic: Sequential, batch: Batch, advantages: list[float],
           targets: list[float], c: Config, rng: Rng, policy_opt: Adam, critic_opt: Adam
           ) -> tuple[float, float]:
    """``epochs`` passes of minibatch Adam steps; returns the clip fraction and the last epoch's
    value loss."""
    n = len(batch.states)
    inputs = [features(s) for s in batch.states]
    order = list(range(n))
    clipped = counted = 0
    window = Config.clip if c.clip is None else c.clip  # the ablation is measured by PPO's window
    value_loss = 0.0
    for _ in range(c.epochs):
        rng.shuffle(order)
        value_loss = 0.0
        for start in range(0, n, c.minibatch):
            chunk = order[start:start + c.minibatch]
            scale = 1.0 / len(chunk)  # gradients of the minibatch mean
            policy.zero_grad()
            critic.zero_grad()
            log_std = policy.log_std[0]
            # speed: each network runs the whole minibatch at once, bit for bit the per-sample sums
            rows = [inputs[i] for i in chunk]
            means, values = policy.mean.trace_batch(rows), critic.trace_batch(rows)
            d_mus, d_values = [], []  # dL/d(mu) and dL/dV, per sample
            for i, mu, v in zip(chunk, means.output[0], values.output[0]):
                a, A = batch.actions[i], advantages[i]
                ratio = math.exp(gaussian_log_prob(a, mu, log_std) - batch.log_probs[i])
                counted += 1
                clipped += abs(ratio - 1.0) > window
                # d(-objective)/d(log pi) = -(d objective/d ratio) * ratio
                g = -clipped_objective_grad(ratio, A, c.clip) * ratio * scale
                d_mu, d_log_std = gaussian_log_prob_grads(a, mu, log_std)
                d_mus.append(g * d_mu)
                policy.dlog_std[0] += g * d_log_std
                d_values.append((v - targets[i]) * scale)  # d/dV of (1/2)(V - R)^2, averaged
                value_loss += 0.5 * (v - targets[i]) ** 2 / n
            policy.mean.backward_batch([d_mus], means)
            critic.backward_batch([d_values], values)
            policy.dlog_std[0] -= c.entropy  # dH/dlog sigma = 1 for every sample
            policy_opt.step()
            critic_opt.step()
    return clipped / counted, value_loss


def train(env, iterations: int, c: Config, seed: int,
          reference: list = (), keep: tuple[int, ...] = ()) -> Run:
    """Train for ``iterations`` batches of ``c.horizon`` steps; the same seed gives the same run.
    ``reference`` lists states at which the policy's mean is recorded after every iteration;
    ``keep`` lists iterations after which a copy of the policy is kept (0: before the first)."""
    whole(iterations, "iterations", least=1)
    rng = Rng(seed)
    policy = GaussianPolicy(c.hidden, c.log_std_init, rng)
    critic = mlp([4, c.hidden, 1], rng, activation="tanh")
    policy_opt = Adam(policy.parameters(), lr=c.lr)
    critic_opt = Adam(critic.parameters(), lr=c.lr)
    run = Run(policy, critic)
    rollout = Rollout(env, rng)
    run.snapshots.append(Snapshot([policy.mu(s) for s in reference], math.exp(policy.log_std[0])))
    if 0 in keep:
        run.kept[0] = policy.copy()
    steps = 0
    who = "PPO" if c.clip is not None else "PPO unclipped"
    for iteration in progress(range(1, iterations + 1), f"{who}, seed {seed}, iterations"):
        batch, finished = rollout.collect(policy, critic, c.horizon)
        steps += c.horizon
        advantages = gae(batch.rewards, batch.values, batch.next_values, batch.ends, c.gamma, c.lam)
        targets = [A + v for A, v in zip(advantages, batch.values)]
        mean = sum(advantages) / len(advantages)
        std = math.sqrt(sum((A - mean) ** 2 for A in advantages) / len(advantages)) + 1e-8
        normalised = [(A - mean) / std for A in advantages]
        clip_fraction, value_loss = update(policy, critic, batch, normalised, targets, c, rng,
                                           policy_opt, critic_opt)
        log_std = policy.log_std[0]
        mus = policy.mean.trace_batch([features(s) for s in batch.states]).output[0]
        samples = zip(mus, batch.actions, batch.log_probs)
        kl = sum(lp - gaussian_log_prob(a, mu, log_std) for mu, a, lp in samples) / len(mus)
        sigma = math.exp(log_std)
        run.iterations.append(Iteration(steps, finished, clip_fraction, kl, sigma, value_loss))
        run.snapshots.append(Snapshot([policy.mu(s) for s in reference], sigma))
        if iteration in keep:
            run.kept[iteration] = policy.copy()
    return run


def evaluate(policy: GaussianPolicy, env, episodes: int, seed: int,
             deterministic: bool = True) -> list[float]:
    """Returns of ``episodes`` episodes, pushing with the mean force, or with a sampled one if not
    ``deterministic``."""
    rng = Rng(seed)
    returns = []
    for _ in range(episodes):
        state, _ = env.reset(seed=rng.randrange(2**31))
        total, done = 0.0, False
        while not done:
            a = policy.mu(state) if deterministic else policy.sample(state, rng)[0]
            state, reward, terminated, truncated, _ = env.step(a)
            total += reward
            done = terminated or truncated
        returns.append(total)
    return returns


@dataclass
class Frame:
    """One step of a recorded episode, for the animation."""

    state: tuple
    mu: float  # the policy's mean force here
    action: float | None  # the force drawn from the Gaussian (None on the last frame)
    applied: float | None  # the force the world applied (the draw clipped to its range)


def play(policy: GaussianPolicy, env, seed: int) -> list[Frame]:
    """One recorded episode of the stochastic policy; the last frame is the state it ended in."""
    rng = Rng(seed)
    state, _ = env.reset(seed=rng.randrange(2**31))
    frames, done = [], False
    while not done:
        a, _ = policy.sample(state, rng)
        next_state, _, terminated, truncated, info = env.step(a)
        frames.append(Frame(state, policy.mu(state), a, info["force"]))
        state, done = next_state, terminated or truncated
    frames.append(Frame(state, policy.mu(state), None, None))
    return frames
