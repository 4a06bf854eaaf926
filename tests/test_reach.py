"""The Reach world: its frames, moves, slips, rewards and errors."""

import pytest

from policywerk.worlds.reach import DOWN, LEFT, RIGHT, STAY, UP, Reach


def lit(frame, side=10):
    return {(i // side, i % side) for i, v in enumerate(frame) if v}


def block(row, col):
    return {(row + i, col + j) for i in range(3) for j in range(3)}


def test_the_frame_shows_the_agent_block_and_the_target_outline():
    env = Reach(slip=0.0)
    env.reset(seed=0)
    assert len(env.frame()) == env.obs_size == 100
    env.agent, env.target = (1, 2), (5, 6)
    assert lit(env.frame()) == block(1, 2) | (block(5, 6) - {(6, 7)})
    env.agent = env.target  # on the target, the agent's block fills the outline
    assert lit(env.frame()) == block(5, 6)
    env.agent, env.target = (7, 7), (0, 0)  # the far corner's block reaches the frame's last pixel
    assert (9, 9) in lit(env.frame())


def test_neighbouring_positions_share_most_pixels():
    env = Reach(slip=0.0)
    env.reset(seed=0)
    env.target = (0, 0)
    env.agent = (4, 4)
    before = lit(env.frame()) - block(0, 0)
    env.agent = (4, 5)
    assert len(before & lit(env.frame())) == 6  # a one-cell move shifts the 3 x 3 block by one pixel


def test_moves_stop_at_the_edges_and_reward_comes_on_the_target():
    env = Reach(slip=0.0, target=(0, 1), falloff=0.0)  # pays on the target only
    env.reset(seed=3)
    env.agent = (0, 0)
    _, reward, terminated, truncated, info = env.step(UP)
    assert env.agent == (0, 0) and reward == 0.0 and not terminated and not truncated and not info["slipped"]
    _, reward, *_ = env.step(RIGHT)
    assert env.agent == (0, 1) and reward == 1.0
    _, reward, *_ = env.step(STAY)
    assert reward == 1.0  # staying on the target keeps paying
    env.step(DOWN)
    env.step(LEFT)
    assert env.agent == (1, 0)


def test_the_reward_halves_with_every_move_between_agent_and_target():
    env = Reach(slip=0.0, target=(3, 3))
    env.reset(seed=0)
    for agent, moves in (((3, 3), 0), ((3, 4), 1), ((1, 3), 2), ((0, 0), 6), ((7, 7), 8)):
        env.agent = agent
        assert env.distance() == moves
        assert env.step(STAY)[1] == 0.5 ** moves


def test_episodes_are_truncated_after_max_steps():
    env = Reach(max_steps=5)
    env.reset(seed=1)
    flags = [env.step(STAY)[3] for _ in range(5)]
    assert flags == [False] * 4 + [True]
    with pytest.raises(RuntimeError):
        env.step(STAY)


def test_slips_happen_at_their_rate_and_leave_the_agent_in_place():
    env = Reach(slip=0.3, max_steps=None)
    env.reset(seed=2)
    slips = 0
    for _ in range(4000):
        env.agent = (4, 4)
        _, _, _, _, info = env.step(RIGHT)
        slips += info["slipped"]
        assert env.agent == ((4, 4) if info["slipped"] else (4, 5))
    assert 0.27 < slips / 4000 < 0.33


def test_reset_is_reproducible_and_starts_apart():
    a, b = Reach(), Reach()
    for seed in range(50):
        assert a.reset(seed=seed)[0] == b.reset(seed=seed)[0]
        assert a.agent != a.target
    fixed = Reach(target=(3, 4))
    for seed in range(50):
        fixed.reset(seed=seed)
        assert fixed.target == (3, 4) and fixed.agent != (3, 4)


@pytest.mark.parametrize("kwargs", [{"cells": 1}, {"size": True}, {"size": 2}, {"slip": 1.0}, {"slip": float("nan")},
                                    {"falloff": 1.0}, {"falloff": -0.1}, {"target": (8, 0)}, {"target": (1,)},
                                    {"target": (1.0, 2)}, {"target": (True, 0)}, {"max_steps": 0}])
def test_bad_settings_are_refused(kwargs):
    with pytest.raises(ValueError):
        Reach(**kwargs)


@pytest.mark.parametrize("action", [5, -1, 1.0, True, None])
def test_bad_actions_are_refused(action):
    env = Reach()
    env.reset(seed=0)
    with pytest.raises(ValueError, match="stay, up, down, left, right"):
        env.step(action)


def test_step_before_reset_is_refused():
    with pytest.raises(RuntimeError):
        Reach().step(STAY)
