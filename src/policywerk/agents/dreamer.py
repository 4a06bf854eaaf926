r"""Behaviour learned in imagination, after Hafner et al.'s Dreamer: an actor and a critic trained
only on rollouts that the world model dreams up.

From each starting state (a posterior state $(h, z)$ of a real sequence), the actor picks an action,
the model's GRU and *prior* produce the next state (no frame: it is imagined), and the reward
predictor says what that step earned, for ``horizon`` steps. The critic $v$ learns the
lambda-returns of those rewards,

    V_k = r_k + gamma [(1 - lambda) v(s_{k+1}) + lambda V_{k+1}],     V_H = v(s_H),

and the actor makes the actions whose lambda-return beat the critic's expectation more likely (the
likelihood-ratio gradient, as DreamerV3 trains discrete actions), with an entropy bonus:

    actor loss = -(V_k - v(s_k)) / S * log pi(a_k | s_k) - eta H(pi(. | s_k)),  S = max(1, P95 - P5)

where S, the spread of the batch's returns, keeps the step size independent of the reward's scale
without blowing up the noise of a batch in which nothing was earned (DreamerV3's return
normalisation, which keeps a running average of the spread where this takes each batch's own).

Training alternates, as in the papers, between the world model learning from replayed real
sequences, the behaviour learning in imagination from the states those sequences passed through,
and one real episode played by the actor, added to the replay.
"""

import copy
from dataclasses import dataclass, field

from policywerk.agents.world_model import Losses, ModelConfig, WorldModel
from policywerk.math.checks import whole
from policywerk.math.random import Rng
from policywerk.math.vectors import argmax
from policywerk.nn.distributions import categorical_entropy_grad, categorical_log_prob_grad, softmax
from policywerk.nn.layers import Dense, Sequential, Trace, minibatch, mlp
from policywerk.nn.optim import Adam
from policywerk.session import progress

Step = tuple[int | None, list[float], float]  # (previous action, frame, reward on arriving at it)
State = tuple[list[float], list[float]]  # the model's (h, z)


@dataclass(frozen=True)
class Config:
    model: ModelConfig = ModelConfig()
    hidden: int = 32  # hidden units of the actor and the critic
    horizon: int = 10  # imagined steps from each start (Dreamer: 15)
    gamma: float = 0.9  # the episodes are 20 steps: look about 10 ahead
    lam: float = 0.95  # lambda of the lambda-returns (the paper's)
    entropy: float = 0.01  # eta, the actor's entropy bonus
    model_lr: float = 5e-3  # Adam's step size for the world model (the paper: 6e-4)
    actor_lr: float = 3e-3  # ... for the actor (the paper: 8e-5)
    critic_lr: float = 1e-3  # ... and for the critic (the paper: 8e-5)
    batch: int = 4  # sequences per model update
    length: int = 8  # steps per sequence
    starts: int = 16  # imagination starts per update, drawn from the batch's posterior states
    prefill: int = 100  # episodes of random actions before learning starts ...
    pretrain: int = 500  # ... and model updates on them alone, before the actor is trained
    updates_per_episode: int = 5  # model and behaviour updates per real episode played


def sample_action(logits: list[float], rng: Rng) -> int:
    return rng.choice_weighted(softmax(logits))


def lambda_returns(rewards: list[float], values: list[float],
                   gamma: float, lam: float) -> list[float]:
    """V_k for k = 0..H-1 from H rewards and H + 1 values, backwards from V_H = v(s_H)."""
    if len(values) != len(rewards) + 1:
        raise ValueError(f"need one more value than rewards, got {len(values)} and {len(rewards)}")
    out = [0.0] * len(rewards)
    following = values[-1]
    for k in range(len(rewards) - 1, -1, -1):
        following = rewards[k] + gamma * ((1.0 - lam) * values[k + 1] + lam * following)
        out[k] = following
    return out


def return_scale(returns: list[float]) -> float:
    """S = max(1, P95 - P5): the spread of the returns between their 5th and 95th percentiles."""
    ordered = sorted(returns)
    top = ordered[round(0.95 * (len(ordered) - 1))]
    bottom = ordered[round(0.05 * (len(ordered) - 1))]
    return max(1.0, top - bottom)


@dataclass
class Imagined:
    """One imagined trajectory: H + 1 states (h and z joined), H actions and H predicted rewards,
    and the actor's H forward passes that chose the actions (kept for its backward pass)."""

    features: list[list[float]]
    actions: list[int]
    rewards: list[float]
    decisions: list[Trace] = field(default_factory=list)


def imagine(model: WorldModel, actor: Sequential, start: State, horizon: int,
            rng: Rng | None) -> Imagined:
    """Roll the model forward from ``start`` with the actor choosing; ``rng`` None: the most likely
    action and the prior's mean at every step (a deterministic dream)."""
    h, z = start
    trajectory = Imagined([h + z], [], [])
    for _ in range(horizon):
        decision = actor.trace(h + z)
        logits = decision.output
        action = argmax(logits) if rng is None else sample_action(logits, rng)
        trajectory.decisions.append(decision)
        h, z = model.imagine_step(h, z, action, rng)
        trajectory.actions.append(action)
        trajectory.rewards.append(model.predict_reward(h, z))
        trajectory.features.append(h + z)
    return trajectory


def behaviour_update(model: WorldModel, actor: Sequential, critic: Sequential,
                     starts: list[State], c: Config, rng: Rng) -> tuple[float, float]:
    """Accumulate the actor's and the critic's gradients over imagined trajectories from ``starts``;
    returns the mean imagined lambda-return and the mean entropy of the actor."""
    actor.zero_grad()
    critic.zero_grad()
    samples = []  # per imagined step: (actor's pass, action, lambda-return, critic's pass)
    for start in starts:
        dream = imagine(model, actor, start, c.horizon, rng)
        judged = [critic.trace(f) for f in dream.features]
        values = [t.output[0] for t in judged]
        targets = lambda_returns(dream.rewards, values, c.gamma, c.lam)
        samples += zip(dream.decisions, dream.actions, targets, judged)
    spread = return_scale([target for _, _, target, _ in samples])
    scale = 1.0 / len(samples)
    mean_return = mean_entropy = 0.0
    # the passes kept above are the ones to backpropagate through: the weights have not changed
    with minibatch(actor, critic):
        for decision, action, target, judged in samples:
            value = judged.output[0]
            advantage = (target - value) / spread
            logits = decision.output
            _, d_log_prob = categorical_log_prob_grad(logits, action)
            entropy, d_entropy = categorical_entropy_grad(logits)
            d_logits = [-(advantage * g + c.entropy * e) * scale
                        for g, e in zip(d_log_prob, d_entropy)]
            actor.backward(d_logits, decision)
            critic.backward([(value - target) * scale], judged)  # d/dv of (1/2)(v - V)^2
            mean_return += target * scale
            mean_entropy += entropy * scale
    return mean_return, mean_entropy


def new_actor(n_features: int, hidden: int, n_actions: int, rng: Rng) -> Sequential:
    actor = mlp([n_features, hidden, n_actions], rng, activation="tanh")
    last = actor.layers[-1]
    assert isinstance(last, Dense)
    last.w = [[0.01 * w for w in row] for row in last.w]  # start close to uniform over the actions
    last.dw = [[0.0] * len(row) for row in last.w]
    return actor


@dataclass
class Agent:
    model: WorldModel
    actor: Sequential
    critic: Sequential

    def act(self, env, rng: Rng | None, explore: bool,
            seed: int | None = None) -> tuple[list[Step], float]:
        """One real episode: the model keeps track of it from the frames (posterior means), the
        actor chooses (sampling with ``rng`` if ``explore``, else its most likely action)."""
        obs, _ = env.reset(seed=seed)
        h, z = self.model.initial()
        steps: list[Step] = [(None, obs, 0.0)]
        action, total, done = None, 0.0, False
        while not done:
            h, z = self.model.observe(h, z, action, obs)
            logits = self.actor.forward(h + z)
            action = sample_action(logits, rng) if explore else argmax(logits)
            obs, reward, terminated, truncated, _ = env.step(action)
            steps.append((action, obs, reward))
            total += reward
            done = terminated or truncated
        return steps, total


@dataclass
class Record:
    """What a round of training saw: the model's last losses, the imagination, the real episode."""

    losses: Losses
    imagined_return: float
    entropy: float
    real_return: float


@dataclass
class Run:
    agent: Agent
    # the replay: the prefill's episodes first, then the actor's
    episodes: list[list[Step]] = field(default_factory=list)
    records: list[Record] = field(default_factory=list)
    # the losses of every model update, pretraining included
    model_losses: list[Losses] = field(default_factory=list)
    # copies of the agent after chosen rounds
    snapshots: dict[int, Agent] = field(default_factory=dict)


def random_episode(env, rng: Rng) -> list[Step]:
    obs, _ = env.reset(seed=rng.randrange(2**31))
    steps: list[Step] = [(None, obs, 0.0)]
    done = False
    while not done:
        action = rng.randrange(env.action_space.n)
        obs, reward, terminated, truncated, _ = env.step(action)
        steps.append((action, obs, reward))
        done = terminated or truncated
    return steps


def sample_sequences(episodes: list[list[Step]], count: int, length: int,
                     rng: Rng) -> list[list[Step]]:
    """``count`` windows of ``length`` consecutive steps; each starts anew (no previous action)."""
    out = []
    for _ in range(count):
        episode = episodes[rng.randrange(len(episodes))]
        start = rng.randrange(len(episode) - length + 1)
        window = episode[start:start + length]
        out.append([(None, *window[0][1:]), *window[1:]])
    return out


def train(env, rounds: int, c: Config, seed: int, snapshots: tuple[int, ...] = ()) -> Run:
    """``c.prefill`` random episodes and ``c.pretrain`` model updates on them, then ``rounds``
    rounds of: ``c.updates_per_episode`` updates of the model and of the behaviour, and one real
    episode played by the actor (sampling) into the replay. ``snapshots``: rounds after which to
    keep a copy of the agent (0: after pretraining, before the actor has learned anything)."""
    whole(rounds, "rounds", least=0)
    if any(not 0 <= k <= rounds for k in snapshots):
        raise ValueError(f"snapshots must be rounds in 0..{rounds}, got {snapshots!r}")
    rng = Rng(seed)
    n_actions = env.action_space.n
    model = WorldModel(env.obs_size, n_actions, c.model, rng)
    n_features = c.model.deter + c.model.stoch
    agent = Agent(model, new_actor(n_features, c.hidden, n_actions, rng),
                  mlp([n_features, c.hidden, 1], rng, activation="tanh"))
    model_opt = Adam(model.parameters(), lr=c.model_lr)
    actor_opt = Adam(agent.actor.parameters(), lr=c.actor_lr)
    critic_opt = Adam(agent.critic.parameters(), lr=c.critic_lr)
    run = Run(agent)
    run.episodes += [random_episode(env, rng) for _ in range(c.prefill)]

    def model_update() -> list[State]:
        losses, states = model.learn(sample_sequences(run.episodes, c.batch, c.length, rng), rng)
        model_opt.step()
        run.model_losses.append(losses)
        return states

    for _ in progress(range(c.pretrain), f"Dreamer, seed {seed}, world-model pretraining"):
        model_update()
    for k in progress(range(rounds + 1), f"Dreamer, seed {seed}, rounds", total=rounds + 1):
        if k in snapshots:
            run.snapshots[k] = copy.deepcopy(agent)
        if k == rounds:
            break
        for _ in range(c.updates_per_episode):
            states = model_update()
            starts = rng.sample(states, min(c.starts, len(states)))
            imagined, entropy = behaviour_update(model, agent.actor, agent.critic, starts, c, rng)
            actor_opt.step()
            critic_opt.step()
        steps, real = agent.act(env, rng, explore=True, seed=rng.randrange(2**31))
        run.episodes.append(steps)
        run.records.append(Record(run.model_losses[-1], imagined, entropy, real))
    return run


def evaluate(policy, env, episodes: int, seed: int) -> list[list[float]]:
    """The rewards of ``episodes`` real episodes, each from its own seeded start; ``policy`` is an
    Agent (acting greedily) or a function ``(env, rng) -> action``, such as a random policy, which
    may read the world's true state (a baseline, not a learner)."""
    rng = Rng(seed)
    out = []
    for _ in range(episodes):
        start = rng.randrange(2**31)
        if isinstance(policy, Agent):
            steps, _ = policy.act(env, None, explore=False, seed=start)
            out.append([reward for _, _, reward in steps[1:]])
            continue
        env.reset(seed=start)
        rewards, done = [], False
        while not done:
            _, reward, terminated, truncated, _ = env.step(policy(env, rng))
            rewards.append(reward)
            done = terminated or truncated
        out.append(rewards)
    return out
