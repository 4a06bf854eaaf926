"""The miniature Breakout: walls, ceiling, bricks, paddle, the stacked-frame observation, bad input."""

import pytest

from policywerk.math.random import Rng
from policywerk.worlds.breakout import LEFT, RIGHT, STAY, Breakout, Layout


def started(ball, velocity, paddle_x=2, seed=0):
    """A game reset and then put in a chosen state (8 x 10 screen, bricks in rows 1-2, paddle 3 wide)."""
    env = Breakout()
    env.reset(seed=seed)
    env.ball, env.velocity, env.paddle_x = ball, velocity, paddle_x
    return env


def test_the_ball_bounces_off_a_side_wall():
    """Moving left from column 0, the ball turns right instead."""
    env = started((5, 0), (-1, -1))
    env.step(STAY)
    assert env.ball == (4, 1) and env.velocity == (-1, 1)


def test_the_ball_bounces_off_the_ceiling():
    """At row 0 moving up, the ball turns down (into an empty column here)."""
    env = started((0, 3), (-1, 1))
    env.bricks.discard((1, 4))
    env.step(STAY)
    assert env.ball == (1, 4) and env.velocity == (1, 1)


def test_a_brick_breaks_pays_one_and_sends_the_ball_back():
    """From row 3 moving up-right into the brick at (2, 4): +1, the brick is gone, the ball goes down."""
    env = started((3, 3), (-1, 1))
    _, reward, terminated, _, info = env.step(STAY)
    assert reward == 1.0 and not terminated and info["score"] == 1
    assert (2, 4) not in env.bricks and len(env.bricks) == 15
    assert env.ball == (4, 4) and env.velocity == (1, 1)


def test_the_paddle_catches_and_steers():
    """Landing on the left end sends the ball up-left, the right end up-right, the middle straight on."""
    for landing, expected in ((2, -1), (3, 1), (4, 1)):  # paddle covers columns 2, 3, 4
        env = started((8, landing - 1), (1, 1))
        _, reward, terminated, _, _ = env.step(STAY)
        assert not terminated and reward == 0.0
        assert env.velocity == (-1, expected) and env.ball == (7, landing - 1 + expected)


def test_missing_the_ball_ends_the_episode():
    """The ball reaching the bottom row away from the paddle ends it; stepping again raises."""
    env = started((8, 6), (1, 1))
    _, _, terminated, truncated, _ = env.step(STAY)
    assert terminated and not truncated
    with pytest.raises(RuntimeError):
        env.step(STAY)


def test_the_paddle_moves_and_stops_at_the_walls():
    env = started((3, 3), (-1, 1), paddle_x=0)
    env.step(LEFT)
    assert env.paddle_x == 0
    env.step(RIGHT)
    assert env.paddle_x == 1


def test_the_observation_stacks_the_last_two_screens():
    """160 pixels: the previous screen, then the current one; the ball moves between them."""
    env = Breakout()
    obs, _ = env.reset(seed=3)
    assert len(obs) == 160 and obs[:80] == obs[80:]  # at the start both frames are the same screen
    row, col = env.ball
    obs, *_ = env.step(STAY)
    new_row, new_col = env.ball
    assert obs[row * 8 + col] == 1.0 and obs[80 + row * 8 + col] == 0.0
    assert obs[80 + new_row * 8 + new_col] == 1.0
    assert sum(obs[80:]) == 16 + 3 + 1  # bricks, paddle, ball
    assert set(obs) <= {0.0, 1.0}


def test_same_seed_same_game():
    def play(seed):
        env, rng, out = Breakout(), Rng(1), []
        env.reset(seed=seed)
        for _ in range(30):
            obs, reward, terminated, truncated, _ = env.step(rng.randrange(3))
            out.append((tuple(obs), reward))
            if terminated or truncated:
                env.reset()
        return out

    assert play(4) == play(4) and play(4) != play(5)


def test_truncation_at_max_steps():
    env = Breakout(max_steps=3)
    env.reset(seed=0)
    env.ball, env.velocity = (5, 3), (-1, 1)
    results = [env.step(STAY) for _ in range(3)]
    assert [r[3] for r in results] == [False, False, True]


@pytest.mark.parametrize("bad", [3, -1, True, 1.0])
def test_bad_actions_are_refused(bad):
    env = Breakout()
    env.reset(seed=0)
    with pytest.raises(ValueError):
        env.step(bad)


def test_bad_configuration_is_refused():
    with pytest.raises(ValueError):
        Layout(width=4, paddle=3)
    with pytest.raises(ValueError):
        Breakout(frames=0)
    with pytest.raises(RuntimeError):
        Breakout().step(STAY)


def test_a_ball_above_the_wall_breaks_a_brick_below_it_and_stays_on_the_top_row():
    """At row 0 moving down into the brick at (1, 4): +1, and the ball, sent back up, slides along row 0."""
    env = started((0, 3), (1, 1))
    _, reward, terminated, _, _ = env.step(STAY)
    assert reward == 1.0 and not terminated and (1, 4) not in env.bricks
    assert env.ball == (0, 4) and env.velocity == (-1, 1)
