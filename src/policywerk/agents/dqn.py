r"""Deep Q-networks (Mnih et al. 2013, 2015): Q-learning with a neural network in place of a table.

The network maps an observation to one Q-value per action. Each update takes a minibatch of stored
transitions and moves the taken action's Q-value toward the Q-learning target of lesson 04,

    y = r + gamma * max_a' Q_target(s', a')        (y = r where the episode ended)

through the Huber loss of the error, by backpropagation and Adam. Two ideas make it stable: the
transitions come from a **replay buffer** (random, old and new mixed) instead of the latest steps,
and the target is computed by a **target network**, a copy of the network refreshed only every so
often. ``replay`` and ``target`` switch each off, for the ablation.
"""

from dataclasses import dataclass, field

from policywerk.math.checks import whole
from policywerk.math.random import Rng
from policywerk.math.vectors import argmax
from policywerk.nn.layers import Sequential, minibatch, mlp
from policywerk.nn.losses import huber
from policywerk.nn.optim import Adam
from policywerk.rl.replay import ReplayBuffer, Transition
from policywerk.session import progress


@dataclass(frozen=True)
class Config:
    hidden: int = 32  # one hidden layer of this many ReLUs
    gamma: float = 0.99  # the 2015 paper's discount
    lr: float = 1e-3  # Adam's step size (the papers: RMSProp)
    batch: int = 32  # transitions per update, as in both papers
    replay_capacity: int = 10_000  # the latest transitions kept (the papers: 1,000,000 frames)
    learning_starts: int = 500  # steps of experience gathered before the first update
    train_every: int = 4  # environment steps per update (2015)
    target_every: int = 200  # updates between target refreshes (2015: 10,000)
    epsilon_start: float = 1.0  # exploration, annealed linearly ...
    epsilon_end: float = 0.1  # ... to this ...
    epsilon_steps: int = 5_000  # ... over this many steps (the papers: 1,000,000 frames)
    replay: bool = True  # False: learn from the latest ``batch`` steps, in order
    target: bool = True  # False: bootstrap from the network being trained


def epsilon_at(step: int, c: Config) -> float:
    """The exploration rate after ``step`` environment steps: a straight line, then flat."""
    if step >= c.epsilon_steps:
        return c.epsilon_end
    return c.epsilon_start + (c.epsilon_end - c.epsilon_start) * step / c.epsilon_steps


def act(net: Sequential, obs: list[float], epsilon: float, rng: Rng, n_actions: int) -> int:
    if rng.random() < epsilon:
        return rng.randrange(n_actions)
    return argmax(net.forward(obs))


def update(net: Sequential, target_net: Sequential, batch: list[Transition], gamma: float) -> float:
    """One gradient step's worth of gradients for a minibatch; returns the mean Huber loss."""
    net.zero_grad()
    total = 0.0
    scale = 1.0 / len(batch)  # the gradient of the mean loss
    with minibatch(net):  # speed: the weight gradients added up once, at the end
        for t in batch:
            bootstrap = 0.0 if t.terminal else gamma * max(target_net.forward(t.next_state))
            y = t.reward + bootstrap
            q = net.forward(t.state)
            loss, dloss = huber(q[t.action], y)
            total += loss
            dq = [0.0] * len(q)
            dq[t.action] = dloss * scale  # only the taken action's Q-value has a target
            net.backward(dq)
    return total * scale


@dataclass
class Run:
    net: Sequential
    scores: list[float] = field(default_factory=list)  # the score of each training episode
    ends: list[int] = field(default_factory=list)  # the step at which each training episode ended
    losses: list[float] = field(default_factory=list)  # the mean loss of each update
    snapshots: dict[int, Sequential] = field(default_factory=dict)  # the network at chosen steps
    steps: int = 0
    updates: int = 0


def copy_of(net: Sequential, sizes: list[int]) -> Sequential:
    clone = mlp(sizes, Rng(0))
    clone.copy_from(net)
    return clone


def train(env, steps: int, c: Config, seed: int, snapshots: tuple[int, ...] = ()) -> Run:
    """Train for ``steps`` environment steps; the same seed gives the same network and curves.
    ``snapshots`` lists steps after which a copy of the network is kept (0: before any step)."""
    whole(steps, "steps", least=1)
    rng = Rng(seed)
    n_actions = env.action_space.n
    sizes = [env.obs_size, c.hidden, n_actions]
    net = mlp(sizes, rng)
    target_net = mlp(sizes, rng)
    target_net.copy_from(net)
    optimiser = Adam(net.parameters(), lr=c.lr)
    memory = ReplayBuffer(c.replay_capacity if c.replay else c.batch)
    run = Run(net)
    if 0 in snapshots:
        run.snapshots[0] = copy_of(net, sizes)
    obs, _ = env.reset(seed=rng.randrange(2**31))
    who = "DQN" if c.replay and c.target else "DQN ablation"
    for step in progress(range(1, steps + 1), f"{who}, seed {seed}, steps"):
        action = act(net, obs, epsilon_at(step, c), rng, n_actions)
        next_obs, reward, terminated, truncated, info = env.step(action)
        memory.add(Transition(obs, action, reward, next_obs, terminated))
        obs = next_obs
        if terminated or truncated:
            run.scores.append(info["score"])
            run.ends.append(step)
            obs, _ = env.reset()
        if step >= c.learning_starts and step % c.train_every == 0:
            batch = memory.sample(c.batch, rng) if c.replay else list(memory.items)
            run.losses.append(update(net, target_net if c.target else net, batch, c.gamma))
            optimiser.step()
            run.updates += 1
            if c.target and run.updates % c.target_every == 0:
                target_net.copy_from(net)
        if step in snapshots:
            run.snapshots[step] = copy_of(net, sizes)
    run.steps = steps
    return run


def evaluate(net: Sequential, env, episodes: int, seed: int, epsilon: float = 0.05) -> list[float]:
    """Scores of ``episodes`` episodes of the nearly greedy policy (the papers evaluate at 0.05)."""
    rng = Rng(seed)
    scores = []
    for _ in range(episodes):
        obs, _ = env.reset(seed=rng.randrange(2**31))
        done = False
        while not done:
            action = act(net, obs, epsilon, rng, env.action_space.n)
            obs, _, terminated, truncated, info = env.step(action)
            done = terminated or truncated
        scores.append(info["score"])
    return scores


@dataclass
class Frame:
    """One step of a recorded game, for the animation."""

    screen: list[float]
    ball: tuple[int, int]
    q: list[float]
    action: int
    score: float


def play(net: Sequential, env, seed: int, epsilon: float = 0.05) -> list[Frame]:
    """One recorded episode of the nearly greedy policy of ``net``."""
    rng = Rng(seed)
    obs, _ = env.reset(seed=rng.randrange(2**31))
    frames, done, score = [], False, 0.0
    while not done:
        q = net.forward(obs)
        action = rng.randrange(len(q)) if rng.random() < epsilon else argmax(q)
        frames.append(Frame(env.screen(), env.ball, q, action, score))
        obs, _, terminated, truncated, info = env.step(action)
        score = info["score"]
        done = terminated or truncated
    frames.append(Frame(env.screen(), env.ball, net.forward(obs), -1, score))
    return frames
