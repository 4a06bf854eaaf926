"""The Reach world: its frames, moves, slips, rewards and errors."""


import pytest

from conftest import exactly
from policywerk.rl.mdp import Discrete
from policywerk.worlds.reach import DOWN, LEFT, RIGHT, STAY, UP, Reach, draw


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


@pytest.mark.parametrize("kwargs, message", [
    ({"cells": 1}, "cells must be an int >= 2, got 1"),
    ({"size": 2}, "size must be an int >= 3, got 2"),
    ({"slip": 1.0}, "slip must be a probability in [0, 1), got 1.0"),
    ({"slip": -0.1}, "slip must be a probability in [0, 1), got -0.1"),
    ({"falloff": 1.0}, "falloff must be in [0, 1), got 1.0"),
    ({"target": (8, 0)}, "target must be a (row, column) cell of the 8 x 8 lattice, got (8, 0)"),
    ({"target": (0, -1)}, "target must be a (row, column) cell of the 8 x 8 lattice, got (0, -1)"),
    ({"target": (0, 0, 0)}, "target must be a (row, column) cell of the 8 x 8 lattice, got (0, 0, 0)"),
    ({"cells": 3, "target": (3, 1)}, "target must be a (row, column) cell of the 3 x 3 lattice, got (3, 1)"),
])
def test_bad_settings_are_refused_with_the_whole_message(kwargs, message):
    with pytest.raises(ValueError, match=exactly(message)):
        Reach(**kwargs)


def test_the_smallest_settings_are_accepted():
    """A 2 x 2 lattice of 3 x 3 blocks (a 4 x 4 frame), no slip, pay on the target only, a corner target."""
    env = Reach(cells=2, size=3, slip=0.0, falloff=0.0, target=(1, 1), max_steps=1)
    frame, info = env.reset(seed=0)
    assert env.side == 4 and env.obs_size == 16 and len(frame) == 16 and info == {}
    assert env.target == (1, 1) and env.agent in {(0, 0), (0, 1), (1, 0)}
    assert Reach(target=(0, 0)).fixed_target == (0, 0) and Reach(target=(7, 7)).fixed_target == (7, 7)


def test_the_spaces_and_defaults():
    """Five actions, a 10 x 10 frame of 0/1 pixels; slip 0.1, 20 steps and falloff 1/2 by default."""
    env = Reach()
    assert env.action_space == Discrete(5) and env.observation_space == Discrete(2 ** 100)
    assert (env.cells, env.size, env.slip, env.max_steps, env.fixed_target, env.falloff) == (8, 3, 0.1, 20, None, 0.5)
    env.reset(seed=0)
    flags = [env.step(STAY)[3] for _ in range(20)]
    assert flags == [False] * 19 + [True]


def test_step_refusals_say_what_is_wrong():
    env = Reach(max_steps=1)
    with pytest.raises(RuntimeError, match=exactly("call reset() before step()")):
        env.step(STAY)
    env.reset(seed=0)
    with pytest.raises(ValueError, match=exactly("action must be an int in 0..4 (stay, up, down, left, right), got 5")):
        env.step(5)
    env.step(STAY)
    with pytest.raises(RuntimeError, match=exactly("the episode is over; call reset() to start a new one")):
        env.step(STAY)


def test_without_a_step_limit_the_episode_never_ends():
    env = Reach(max_steps=None)
    env.reset(seed=0)
    assert not any(env.step(STAY)[3] for _ in range(50))


def test_the_agent_moves_one_cell_in_each_direction_and_stops_at_every_edge():
    env = Reach(slip=0.0, target=(0, 0))
    env.reset(seed=0)
    for action, before, after in ((UP, (4, 4), (3, 4)), (DOWN, (4, 4), (5, 4)), (LEFT, (4, 4), (4, 3)),
                                  (RIGHT, (4, 4), (4, 5)), (STAY, (4, 4), (4, 4)),
                                  (DOWN, (7, 2), (7, 2)), (RIGHT, (2, 7), (2, 7)), (LEFT, (2, 0), (2, 0))):
        env.agent = before
        env.step(action)
        assert env.agent == after


def test_staying_never_slips_and_a_move_slips_at_the_rate():
    """Staying draws no slip even at slip 0.9 (info says so); a move at slip 0.9 mostly stays."""
    env = Reach(slip=0.9, max_steps=None, target=(0, 0))
    env.reset(seed=4)
    assert not any(env.step(STAY)[4]["slipped"] for _ in range(50))
    slips = sum(env.step(RIGHT)[4]["slipped"] for _ in range(200))
    assert 160 < slips < 200


def test_the_first_reset_without_a_seed_is_seed_0_and_later_ones_draw_on():
    def starts(env, seeds):
        out = []
        for seed in seeds:
            env.reset(seed=seed)
            out.append((env.agent, env.target))
        return out

    unseeded = starts(Reach(), [None] * 10)
    assert unseeded == starts(Reach(), [0] + [None] * 9)
    assert len(set(unseeded)) == 10
    used = Reach()
    starts(used, [5, None])
    assert starts(used, [0] + [None] * 9) == unseeded


def test_starts_and_targets_cover_the_whole_lattice():
    """Random targets and starts reach every cell of a 3 x 3 lattice, the corners included."""
    env, fixed = Reach(cells=3), Reach(cells=3, target=(1, 1))
    agents, targets, fixed_agents = set(), set(), set()
    for seed in range(200):
        env.reset(seed=seed)
        agents.add(env.agent)
        targets.add(env.target)
        fixed.reset(seed=seed)
        fixed_agents.add(fixed.agent)
    every = {(r, c) for r in range(3) for c in range(3)}
    assert agents == targets == every and fixed_agents == every - {(1, 1)}


def test_draw_on_a_larger_block_and_lattice():
    """A 4 x 4 block on a 3 x 3 lattice: a 6 x 6 frame; the outline has 12 pixels, the solid block 16."""
    frame = draw((2, 2), (0, 0), cells=3, size=4)
    assert len(frame) == 36
    outline = {(r, c) for r in range(4) for c in range(4) if r in (0, 3) or c in (0, 3)}
    assert lit(frame, side=6) == outline | {(2 + r, 2 + c) for r in range(4) for c in range(4)}


def test_draw_defaults_to_the_8_x_8_lattice_of_3_x_3_blocks():
    env = Reach(slip=0.0)
    env.reset(seed=0)
    env.agent, env.target = (7, 7), (0, 0)
    assert draw((7, 7), (0, 0)) == env.frame() and len(env.frame()) == 100


def test_the_frame_draws_blocks_of_the_worlds_size():
    """Size 4 on a 2 x 2 lattice: a 5 x 5 frame, the agent a solid 4 x 4 block, the target its 12-pixel outline."""
    env = Reach(cells=2, size=4, slip=0.0)
    env.reset(seed=0)
    env.agent, env.target = (1, 1), (0, 0)
    outline = {(r, c) for r in range(4) for c in range(4) if r in (0, 3) or c in (0, 3)}
    assert lit(env.frame(), side=5) == outline | {(1 + r, 1 + c) for r in range(4) for c in range(4)}
