"""DQN's pieces: the replay buffer, the exploration schedule, one update against a hand computation,
and the switches of the ablation."""

from itertools import repeat

import numpy as np
import pytest

from conftest import Draws
from policywerk.agents import dqn
from policywerk.agents.dqn import Config, act, epsilon_at, evaluate, play, train, update
from policywerk.math.random import Rng
from policywerk.math.vectors import argmax
from policywerk.nn.layers import Dense, Sequential, mlp
from policywerk.rl.mdp import Discrete
from policywerk.rl.replay import ReplayBuffer, Transition
from policywerk.worlds.breakout import Breakout


def test_replay_keeps_the_last_capacity_transitions():
    memory = ReplayBuffer(3)
    for k in range(5):
        memory.add(Transition([float(k)], 0, 0.0, [0.0], False))
    assert len(memory) == 3 and sorted(t.state[0] for t in memory.items) == [2.0, 3.0, 4.0]


def test_replay_samples_uniformly_and_refuses_bad_input():
    memory = ReplayBuffer(4)
    for k in range(4):
        memory.add(Transition([float(k)], 0, 0.0, [0.0], False))
    counts = [0] * 4
    for t in memory.sample(8000, Rng(0)):
        counts[int(t.state[0])] += 1
    assert all(abs(c - 2000) < 200 for c in counts)  # 2000 +/- about 4.5 standard deviations
    assert ReplayBuffer(1).capacity == 1  # the smallest buffer holds one transition
    with pytest.raises(ValueError, match="^capacity must be an int >= 1, got 0$"):
        ReplayBuffer(0)
    with pytest.raises(ValueError, match="^cannot sample from an empty replay buffer$"):
        ReplayBuffer(1).sample(1, Rng(0))


def test_epsilon_falls_in_a_straight_line_then_stays():
    c = Config(epsilon_start=1.0, epsilon_end=0.1, epsilon_steps=100)
    assert [epsilon_at(s, c) for s in (0, 50, 100, 1000)] == pytest.approx([1.0, 0.55, 0.1, 0.1])


def linear_net(weights, bias):
    """A one-layer network with chosen weights: Q(s) = W s + b."""
    layer = Dense(len(weights[0]), len(weights), Rng(0))
    layer.w = [row[:] for row in weights]
    layer.dw = [[0.0] * len(weights[0]) for _ in weights]
    layer.b = bias[:]
    return Sequential(layer)


def test_one_update_by_hand():
    """Q(s) = W s with s = (1, 0); target y = r + gamma * max Q_target(s'); Huber gradient clipped."""
    net = linear_net([[0.5, 0.0], [2.0, 0.0]], [0.0, 0.0])
    target = linear_net([[0.0, 1.0], [0.0, 3.0]], [0.0, 0.0])
    batch = [Transition([1.0, 0.0], 1, 1.0, [0.0, 1.0], False)]
    # y = 1 + 0.5 * max(1, 3) = 2.5; Q(s, 1) = 2.0; error -0.5 inside the Huber band: loss 0.125, grad -0.5
    loss = update(net, target, batch, gamma=0.5)
    assert loss == pytest.approx(0.125)
    layer = net.layers[0]
    assert layer.dw == [[0.0, 0.0], [-0.5, 0.0]] and layer.db == [0.0, -0.5]
    # A terminal transition ignores the next state; an error of 3 is clipped to a gradient of 1.
    batch = [Transition([1.0, 0.0], 1, -1.0, [0.0, 1.0], True)]
    assert update(net, target, batch, gamma=0.5) == pytest.approx(1.0 * (3.0 - 0.5))
    assert layer.db == [0.0, 1.0]


def test_the_same_seed_trains_the_same_network_and_switches_change_it():
    first = train(Corridor(), 40, SMALL, seed=1)
    second = train(Corridor(), 40, SMALL, seed=1)
    assert first.losses == second.losses and first.net.parameters() == second.net.parameters()
    for switch in ({"replay": False}, {"target": False}):
        other = train(Corridor(), 40, Config(**{**SMALL.__dict__, **switch}), seed=1)
        assert other.losses != first.losses


def test_snapshots_keep_the_network_as_it_was_and_play_records_a_game():
    c = Config(learning_starts=50, epsilon_steps=200)
    run = train(Breakout(), 200, c, seed=2, snapshots=(0, 100))
    untrained, middle = run.snapshots[0], run.snapshots[100]
    assert untrained.parameters() != middle.parameters() != run.net.parameters()
    fresh = train(Breakout(), 1, c, seed=2)  # one step: no update yet, the same initial weights
    assert untrained.parameters() == fresh.net.parameters()
    frames = play(run.net, Breakout(), seed=3)
    assert frames[0].score == 0 and frames[-1].action == -1
    assert all(f.action in (0, 1, 2) for f in frames[:-1]) and len(frames[0].q) == 3
    assert [f.score for f in frames] == sorted(f.score for f in frames)  # the score never falls


def played(net, env, rng, epsilon):
    """One game of ``act`` from ``rng``'s current state: (screen, ball, Q-values, action, score) per
    step, the last with action -1."""
    obs, _ = env.reset(seed=rng.randrange(2**31))
    steps, done = [], False
    while not done:
        action = act(net, obs, epsilon, rng, 3)
        steps.append((env.screen(), env.ball, net.forward(obs), action, env.score))
        obs, _, terminated, truncated, _ = env.step(action)
        done = terminated or truncated
    return steps + [(env.screen(), env.ball, net.forward(obs), -1, env.score)]


@pytest.mark.parametrize("seed", [3, 4, 5])
def test_play_and_evaluate_play_the_games_that_act_plays_from_the_same_generator(seed):
    """play records, and evaluate scores, the epsilon-greedy games of act, episode after episode from
    one generator seeded with ``seed`` (0.05 unless told: the papers' evaluation epsilon)."""
    net = mlp([Breakout().obs_size, 8, 3], Rng(seed))
    for epsilon in (0.0, 0.05, 0.5):
        told = {} if epsilon == 0.05 else {"epsilon": epsilon}
        frames = play(net, Breakout(max_steps=60), seed, **told)
        assert [(f.screen, f.ball, f.q, f.action, f.score) for f in frames] == played(
            net, Breakout(max_steps=60), Rng(seed), epsilon)
        rng = Rng(seed)
        games = [played(net, Breakout(max_steps=60), rng, epsilon) for _ in range(3)]
        assert evaluate(net, Breakout(max_steps=60), 3, seed, **told) == [game[-1][-1] for game in games]
    greedy = played(net, Breakout(max_steps=60), Rng(seed), 0.0)
    assert all(action == argmax(q) for _, _, q, action, _ in greedy[:-1])


def test_epsilon_zero_never_explores_and_the_schedule_lands_on_its_end():
    """Even a draw of exactly 0.0 is not below an epsilon of 0; at epsilon_steps the rate is the end
    value itself, not the straight line's rounding of it."""
    net = mlp([4, 3, 3], Rng(0))
    obs = [1.0, 0.0, -1.0, 0.5]
    assert act(net, obs, 0.0, Draws(repeat(0.0)), 3) == argmax(net.forward(obs))
    c = Config(epsilon_start=1.0, epsilon_end=0.1, epsilon_steps=100)
    assert epsilon_at(100, c) == 0.1 and epsilon_at(99, c) > 0.1


def test_an_update_on_screens_of_pixels_matches_finite_differences_of_the_mean_huber_loss():
    """update's gradients (a minibatch block over mostly-0 screens, one action's output each, errors
    inside and outside the Huber band) are those of the mean loss, by central differences of a numpy
    recomputation of the network."""
    gen = np.random.default_rng(7)
    net, target = mlp([30, 8, 3], Rng(7)), mlp([30, 8, 3], Rng(8))
    for layer in net.layers[::2]:
        layer.b[:] = gen.normal(scale=0.3, size=len(layer.b)).tolist()

    def screen():
        x = np.zeros(30)
        x[gen.choice(30, size=5, replace=False)] = 1.0
        return x.tolist()

    batch = [Transition(screen(), int(gen.integers(3)), float(r), screen(), k == 2)
             for k, r in enumerate([0.0, 1.0, -1.0, 4.0, 0.0, -3.0])]
    loss = update(net, target, batch, gamma=0.9)
    ys = [t.reward + (0.0 if t.terminal else 0.9 * max(target.forward(t.next_state))) for t in batch]
    w1, b1, w2, b2 = (np.array(v, dtype=float) for v in (net.layers[0].w, net.layers[0].b,
                                                         net.layers[2].w, net.layers[2].b))

    def mean_loss():
        total = 0.0
        for t, y in zip(batch, ys):
            q = w2 @ np.maximum(w1 @ np.array(t.state) + b1, 0.0) + b2
            e = q[t.action] - y
            total += 0.5 * e * e if abs(e) <= 1.0 else abs(e) - 0.5
        return total / len(batch)

    assert loss == pytest.approx(mean_loss(), rel=1e-12)
    errors = [abs(net.forward(t.state)[t.action] - y) for t, y in zip(batch, ys)]
    assert min(errors) < 1.0 < max(errors)  # both sides of the Huber band are checked
    for array, analytic in ((w1, net.layers[0].dw), (b1, net.layers[0].db),
                            (w2, net.layers[2].dw), (b2, net.layers[2].db)):
        numeric = np.zeros_like(array)
        for idx in np.ndindex(array.shape):
            old = array[idx]
            array[idx] = old + 1e-6
            up = mean_loss()
            array[idx] = old - 1e-6
            numeric[idx] = (up - mean_loss()) / 2e-6
            array[idx] = old
        np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-8)


class Corridor:
    """A stand-in world that keeps a record: every episode lasts three steps and pays 1 a step; odd
    episodes end there (terminated), even ones are cut short (truncated), whose future still counts."""

    obs_size = 2
    action_space = Discrete(2)

    def __init__(self):
        self.seeds, self.steps, self.t, self.episode = [], 0, 0, 0

    def reset(self, seed=None):
        self.seeds.append(seed)
        self.t, self.episode = 0, self.episode + 1
        return [float(self.steps), 0.0], {}

    def step(self, action):  # the observation's first number counts the steps taken so far
        self.steps, self.t = self.steps + 1, self.t + 1
        terminated = self.t == 3 and self.episode % 2 == 1
        truncated = self.t == 3 and not terminated
        return [float(self.steps), float(action)], 1.0, terminated, truncated, {"score": float(self.t)}


SMALL = Config(hidden=4, batch=3, learning_starts=4, train_every=2, target_every=2, epsilon_steps=5)


def test_train_steps_the_world_and_keeps_the_books(monkeypatch, capsys):
    """10 steps: episodes end after steps 3, 6 and 9; updates after steps 4, 6, 8 and 10 (from
    learning_starts, every train_every). Without replay, each update learns from the latest ``batch``
    steps, marked terminal only where the episode ended (not where it was cut short); without
    the target network, the network bootstraps from itself. The world is seeded from the run's generator,
    after the two networks' weights."""
    seen = []
    monkeypatch.setattr(dqn, "update", lambda net, target, batch, gamma: seen.append((net, target, batch)) or 0.5)
    env = Corridor()
    run = train(env, 10, Config(**{**SMALL.__dict__, "replay": False, "target": False}), seed=6)
    assert (env.steps, run.steps, run.updates, run.losses) == (10, 10, 4, [0.5] * 4)
    assert run.ends == [3, 6, 9] and run.scores == [3.0, 3.0, 3.0]
    latest = [sorted((t.state[0] + 1, t.terminal) for t in batch) for _, _, batch in seen]
    assert latest == [[(2, False), (3, True), (4, False)], [(4, False), (5, False), (6, False)],
                      [(6, False), (7, False), (8, False)], [(8, False), (9, True), (10, False)]]
    assert all(target is net is run.net for net, target, _ in seen)
    rng = Rng(6)
    mlp([2, 4, 2], rng), mlp([2, 4, 2], rng)
    assert env.seeds == [rng.randrange(2**31), None, None, None]
    assert "DQN ablation, seed 6, steps: 10" in capsys.readouterr().err
    seen.clear()
    run = train(Corridor(), 10, SMALL, seed=6)
    assert all(target is not net for net, target, _ in seen) and len(seen) == 4
    assert all(len(batch) == SMALL.batch for _, _, batch in seen)  # sampled: batch transitions each
    assert min(t.state[0] + 1 for t in seen[-1][2] + seen[-2][2]) < 6  # replay: older steps come back
    assert "DQN, seed 6, steps: 10" in capsys.readouterr().err
    train(Corridor(), 1, Config(**{**SMALL.__dict__, "replay": False}), seed=6)  # one switch off is enough
    assert "DQN ablation, seed 6, steps: 1" in capsys.readouterr().err
    with pytest.raises(ValueError, match="^steps must be an int >= 1, got 0$"):
        train(Corridor(), 0, SMALL, seed=6)


def test_the_target_network_is_refreshed_every_target_every_updates_and_adam_steps_by_lr(monkeypatch):
    """Updates after steps 4, 6, 8 and 10, a refresh every 2: the first two bootstrap from the initial
    network, the next two from the network as it was after the second update (step 6). Adam's first
    step moves each weight by about lr."""
    def weights(net):
        return [values[:] for values, _ in net.parameters()]

    targets, real = [], dqn.update
    monkeypatch.setattr(dqn, "update", lambda net, target, batch, gamma: targets.append(weights(target))
                        or real(net, target, batch, gamma))
    often = train(Corridor(), 10, SMALL, seed=3, snapshots=(0, 3, 4, 6))
    initial, after_two = weights(often.snapshots[0]), weights(often.snapshots[6])
    assert targets == [initial, initial, after_two, after_two] and initial != after_two
    moved = [abs(a - b) for (va, _), (vb, _) in zip(often.snapshots[4].parameters(),
                                                    often.snapshots[3].parameters()) for a, b in zip(va, vb)]
    assert max(moved) == pytest.approx(SMALL.lr, rel=1e-3)
    bigger = train(Corridor(), 4, Config(**{**SMALL.__dict__, "lr": 0.25}), seed=3, snapshots=(3,))
    moved = [abs(a - b) for (va, _), (vb, _) in zip(bigger.net.parameters(),
                                                    bigger.snapshots[3].parameters()) for a, b in zip(va, vb)]
    assert max(moved) == pytest.approx(0.25, rel=1e-3)
