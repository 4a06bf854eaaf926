"""Imagination and the behaviour learned in it: lambda-returns by hand, rollout shapes, determinism."""

import pytest

from policywerk.agents.dreamer import imagine, lambda_returns, new_actor, sample_sequences
from policywerk.agents.world_model import ModelConfig, WorldModel
from policywerk.math.random import Rng


def test_lambda_returns_by_hand():
    # gamma 0.5, lambda 0.5; rewards r0..r2, values v0..v3
    rewards, values = [1.0, 0.0, 2.0], [0.0, 4.0, 2.0, 8.0]
    # V2 = 2 + 0.5 * (0.5 * 8 + 0.5 * 8) = 6
    # V1 = 0 + 0.5 * (0.5 * 2 + 0.5 * 6) = 2
    # V0 = 1 + 0.5 * (0.5 * 4 + 0.5 * 2) = 2.5
    assert lambda_returns(rewards, values, 0.5, 0.5) == pytest.approx([2.5, 2.0, 6.0])
    # lambda 0: one-step targets; lambda 1: the discounted sum bootstrapped once at the end
    assert lambda_returns(rewards, values, 0.5, 0.0) == pytest.approx([1 + 0.5 * 4, 0 + 0.5 * 2, 2 + 0.5 * 8])
    assert lambda_returns(rewards, values, 0.5, 1.0)[0] == pytest.approx(1 + 0.5 * 0 + 0.25 * 2 + 0.125 * 8)
    with pytest.raises(ValueError):
        lambda_returns(rewards, values[:3], 0.5, 0.5)


def small():
    c = ModelConfig(embed=4, deter=5, stoch=3, hidden=4)
    model = WorldModel(obs_size=9, n_actions=3, c=c, rng=Rng(0))
    actor = new_actor(c.deter + c.stoch, 4, 3, Rng(1))
    start = ([0.1, -0.2, 0.3, 0.0, 0.5], [0.2, -0.1, 0.4])
    return model, actor, start


def test_an_imagined_rollout_has_the_right_shapes():
    model, actor, start = small()
    dream = imagine(model, actor, start, horizon=6, rng=Rng(3))
    assert len(dream.features) == 7 and len(dream.actions) == 6 and len(dream.rewards) == 6
    assert all(len(f) == 8 for f in dream.features)
    assert dream.features[0] == start[0] + start[1]
    assert all(a in (0, 1, 2) for a in dream.actions)


def test_imagination_is_deterministic_per_seed_and_without_one():
    model, actor, start = small()
    first = imagine(model, actor, start, 6, Rng(3))
    again = imagine(model, actor, start, 6, Rng(3))
    other = imagine(model, actor, start, 6, Rng(4))
    assert (first.features, first.actions, first.rewards) == (again.features, again.actions, again.rewards)
    assert first.features != other.features
    dream_a = imagine(model, actor, start, 6, None)
    dream_b = imagine(model, actor, start, 6, None)
    assert dream_a.features == dream_b.features


def test_sequences_are_windows_that_start_afresh():
    episodes = [[(None if t == 0 else t % 3, [float(t)], float(t)) for t in range(21)] for _ in range(3)]
    for window in sample_sequences(episodes, 20, 10, Rng(0)):
        assert len(window) == 10 and window[0][0] is None
        first = int(window[0][1][0])
        assert [int(step[1][0]) for step in window] == list(range(first, first + 10))

