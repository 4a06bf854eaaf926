"""The miniature Breakout: walls, ceiling, bricks, paddle, the stacked-frame observation, bad input."""


import pytest

from conftest import exactly
from policywerk.math.random import Rng
from policywerk.rl.mdp import Discrete
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
    """One column a step; it stops at column 0 and at column 5 (its right end on column 7)."""
    env = started((3, 3), (-1, 1), paddle_x=0)
    env.step(LEFT)
    assert env.paddle_x == 0
    env.step(RIGHT)
    assert env.paddle_x == 1
    env.step(RIGHT)
    env.step(LEFT)
    assert env.paddle_x == 1
    env.paddle_x = 5
    env.step(RIGHT)
    assert env.paddle_x == 5


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


# --- the layout's limits, the start, the screen ---------------------------------------------------------
@pytest.mark.parametrize("smallest, too_small", [
    ({"width": 5}, "width=4, height=10, brick_rows=2, paddle=3"),  # the paddle plus a column each side
    ({"height": 7}, "width=8, height=6, brick_rows=2, paddle=3"),  # bricks plus five rows
    ({"brick_rows": 1, "height": 6}, "width=8, height=6, brick_rows=0, paddle=3"),
    ({"paddle": 1, "width": 3}, "width=3, height=10, brick_rows=2, paddle=0"),
])
def test_the_smallest_layouts_are_accepted_and_one_less_is_refused(smallest, too_small):
    """Each limit on its own: the smallest layout passes, one less in the named field is refused."""
    layout = Layout(**smallest)
    env = Breakout(layout)
    env.reset(seed=0)
    assert len(env.screen()) == layout.width * layout.height
    fields = dict(part.split("=") for part in too_small.split(", "))
    with pytest.raises(ValueError, match=exactly(
            f"a layout needs room for the bricks, the ball and the paddle, got Layout({too_small})")):
        Layout(**{k: int(v) for k, v in fields.items()})


def test_the_spaces_and_sizes_follow_the_layout_and_frames():
    env = Breakout(Layout(width=6, height=7, brick_rows=1, paddle=2), frames=3)
    assert env.pixels == 42 and env.obs_size == 126 and len(env.reset(seed=0)[0]) == 126
    assert env.action_space == Discrete(3) and env.observation_space == Discrete(2 ** 126)
    assert Breakout().max_steps == 400 and Breakout(max_steps=None).max_steps is None


def test_a_game_starts_with_the_paddle_centred_and_the_ball_rising_from_row_height_minus_3():
    """Over many seeds the ball starts in row 7 of 10, in every column 1..6 (never at a wall), going up
    to the left or right; the 3-wide paddle sits at column 2 of 8, the 4-wide one at 2 of 9."""
    env, starts = Breakout(), set()
    for seed in range(60):
        _, info = env.reset(seed=seed)
        assert info == {"score": 0} and env.steps == 0 and env.score == 0 and not env.done
        assert env.paddle_x == 2 and len(env.bricks) == 16
        starts.add((env.ball, env.velocity))
    assert {ball for ball, _ in starts} == {(7, col) for col in range(1, 7)}
    assert {velocity for _, velocity in starts} == {(-1, -1), (-1, 1)}
    wide = Breakout(Layout(width=9, paddle=4))
    wide.reset(seed=0)
    assert wide.paddle_x == 2


def test_a_seed_reseeds_and_a_reset_without_one_continues_the_generator():
    """The first reset without a seed is seed 0; later ones draw on from the same generator, and a
    seed restarts it, on a used game too."""
    def starts(env, seeds):
        out = []
        for seed in seeds:
            env.reset(seed=seed)
            out.append((env.ball, env.velocity))
        return out

    unseeded = starts(Breakout(), [None] * 10)
    assert unseeded == starts(Breakout(), [0] + [None] * 9)
    assert len(set(unseeded)) > 3  # the starts vary: the generator is not restarted each time
    used = Breakout()
    starts(used, [5, None, None])
    assert starts(used, [0] + [None] * 9) == unseeded


def test_the_screen_puts_each_thing_at_row_times_width_plus_column():
    """A 5 x 7 screen with two bricks in row 1, the ball at (4, 2), the 2-wide paddle at columns 1-2."""
    env = Breakout(Layout(width=5, height=7, brick_rows=1, paddle=2))
    env.reset(seed=0)
    env.bricks, env.ball, env.paddle_x = {(1, 0), (1, 3)}, (4, 2), 1
    expected = ("00000"
                "10010"
                "00000"
                "00000"
                "00100"
                "00000"
                "01100")
    assert env.screen() == [float(c) for c in expected]


# --- the ball at the edges ------------------------------------------------------------------------------
@pytest.mark.parametrize("ball, velocity, after", [
    ((5, 1), (-1, -1), ((4, 0), (-1, -1))),  # one column from the left wall: reaches column 0
    ((5, 6), (-1, 1), ((4, 7), (-1, 1))),  # one column from the right wall: reaches column 7
    ((5, 7), (-1, 1), ((4, 6), (-1, -1))),  # at the right wall: turns left
])
def test_the_ball_turns_only_at_a_side_wall(ball, velocity, after):
    env = started(ball, velocity)
    env.step(STAY)
    assert (env.ball, env.velocity) == after


def test_the_ball_turns_only_at_the_ceiling():
    """From row 1 moving up the ball still rises to row 0 (no brick in its way)."""
    env = started((1, 3), (-1, 1))
    env.bricks = {(2, 0)}
    env.step(STAY)
    assert env.ball == (0, 4) and env.velocity == (-1, 1)


def test_the_paddle_misses_one_column_beyond_either_end():
    """The paddle covers columns 2-4: landing in column 1 or 5 ends the episode."""
    for ball, velocity in (((8, 2), (1, -1)), ((8, 4), (1, 1))):
        env = started(ball, velocity)
        _, reward, terminated, truncated, _ = env.step(STAY)
        assert terminated and not truncated and reward == 0.0 and env.done


def test_the_middle_of_the_paddle_keeps_a_leftward_ball_going_left():
    """Landing on column 3 (the middle) moving down-left, the ball goes back up-left."""
    env = started((8, 4), (1, -1))
    env.step(STAY)
    assert env.ball == (7, 3) and env.velocity == (-1, -1)


@pytest.mark.parametrize("ball, velocity, paddle_x, after", [
    ((8, 0), (1, 1), 1, ((7, 1), (-1, 1))),  # the left end says left, but the wall is there
    ((8, 7), (1, -1), 4, ((7, 6), (-1, -1))),  # the right end says right, but the wall is there
])
def test_a_ball_steered_into_a_side_wall_by_the_paddle_turns_back(ball, velocity, paddle_x, after):
    env = started(ball, velocity, paddle_x=paddle_x)
    _, _, terminated, _, _ = env.step(STAY)
    assert not terminated and (env.ball, env.velocity) == after


def test_breaking_the_last_brick_brings_a_new_wall():
    """With one brick left at (2, 4), hitting it pays +1 and all 16 bricks are back."""
    env = started((3, 3), (-1, 1))
    env.bricks = {(2, 4)}
    _, reward, *_ = env.step(STAY)
    assert reward == 1.0 and env.bricks == {(row, col) for row in (1, 2) for col in range(8)}
    assert env.ball == (4, 4) and env.velocity == (1, 1)


def test_a_ball_that_keeps_being_caught_is_truncated_at_400_steps():
    """A paddle that follows the ball never misses; the default max_steps ends the episode at 400."""
    env = Breakout()
    env.reset(seed=1)
    for step in range(1, 401):
        target = min(max(env.ball[1] + env.velocity[1] - 1, 0), 5)  # the paddle's middle under the ball
        action = LEFT if env.paddle_x > target else RIGHT if env.paddle_x < target else STAY
        _, _, terminated, truncated, info = env.step(action)
        assert not terminated and truncated == (step == 400)
    assert env.done and info["score"] == env.score > 0


def test_step_refusals_say_what_is_wrong():
    env = Breakout()
    with pytest.raises(RuntimeError, match=r"^call reset\(\) before step\(\)$"):
        env.step(STAY)
    env.reset(seed=0)
    with pytest.raises(ValueError, match=r"^action must be 0 \(stay\), 1 \(left\) or 2 \(right\), got 3$"):
        env.step(3)
    env.ball, env.velocity = (8, 6), (1, 1)
    env.step(STAY)
    with pytest.raises(RuntimeError, match=r"^the episode has ended; call reset\(\) to start a new one$"):
        env.step(STAY)


def test_the_right_end_of_the_paddle_sends_a_leftward_ball_up_to_the_right():
    """Landing on column 4 (the right end) moving down-left, the ball goes back up-right."""
    env = started((8, 5), (1, -1))
    env.step(STAY)
    assert env.ball == (7, 6) and env.velocity == (-1, 1)


def test_the_left_end_of_the_paddle_at_the_wall_sends_the_ball_up_along_the_wall():
    """Paddle at columns 0-2, ball landing on column 0 from column 1: up-left into column 0, no bounce."""
    env = started((8, 1), (1, -1), paddle_x=0)
    env.step(STAY)
    assert env.ball == (7, 0) and env.velocity == (-1, -1)


def test_a_ball_in_a_gap_of_the_top_row_breaks_a_brick_below_and_rises_to_row_0():
    """From (1, 3), a gap in the wall, moving down into the brick at (2, 4): +1, and the ball goes up to (0, 4)."""
    env = started((1, 3), (1, 1))
    env.bricks.discard((1, 3))
    _, reward, *_ = env.step(STAY)
    assert reward == 1.0 and (2, 4) not in env.bricks
    assert env.ball == (0, 4) and env.velocity == (-1, 1)


def test_the_score_adds_up_the_bricks_broken():
    """Two bricks in two steps: the info's score is 1, then 2."""
    env = started((3, 3), (-1, 1))
    scores = [env.step(STAY)[4]["score"]]
    env.ball, env.velocity = (3, 5), (-1, 1)
    scores.append(env.step(STAY)[4]["score"])
    assert scores == [1, 2] and env.score == 2


def test_stepping_after_truncation_raises():
    env = Breakout(max_steps=1)
    env.reset(seed=0)
    env.ball, env.velocity = (5, 3), (-1, 1)
    assert env.step(STAY)[3] is True and env.done
    with pytest.raises(RuntimeError, match="episode has ended"):
        env.step(STAY)


def test_one_frame_is_allowed_and_zero_refused_with_the_whole_message():
    env = Breakout(frames=1)
    assert len(env.reset(seed=0)[0]) == 80
    with pytest.raises(ValueError, match=r"^frames must be an int >= 1, got 0$"):
        Breakout(frames=0)


def test_the_screen_shows_a_ball_on_the_top_row():
    env = Breakout(Layout(width=5, height=7, brick_rows=1, paddle=2))
    env.reset(seed=0)
    env.bricks, env.ball, env.paddle_x = set(), (0, 4), 3
    assert env.screen() == [1.0 if i in (4, 33, 34) else 0.0 for i in range(35)]
