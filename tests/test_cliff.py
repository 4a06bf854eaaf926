"""Tests for policywerk.worlds.cliff: the 4 x 12 cliff world (Sutton & Barto Example 6.6).

States are row * 12 + col with row 0 at the top; the start is 36, the goal 47, the cliff 37..46.
Expected values are literal, worked out from the picture of the grid, or come from Gymnasium as an oracle.
"""

from collections import deque

import pytest

from conftest import exactly
from policywerk.worlds.cliff import CLIFF, COLS, GOAL, ROWS, START, CliffWalking, greedy_path, move

UP, RIGHT, DOWN, LEFT = 0, 1, 2, 3
EDGE_ROUTE = [36, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 47]  # up, eleven times right, down


def zero_q():
    return [[0.0] * 4 for _ in range(48)]


def edge_route_q():
    """A hand-made Q whose best actions walk the edge: up at the start, right along row 2, down at 35."""
    q = zero_q()
    q[36][UP] = 1.0
    for s in range(24, 35):
        q[s][RIGHT] = 1.0
    q[35][DOWN] = 1.0
    return q


def test_layout_constants():
    """The grid is 4 x 12 with the start at 36, the goal at 47 and the cliff at 37..46."""
    assert (ROWS, COLS, START, GOAL) == (4, 12, 36, 47)
    assert CLIFF == {37, 38, 39, 40, 41, 42, 43, 44, 45, 46}


def test_spaces_have_48_states_and_4_actions():
    """The environment exposes Discrete(48) observations and Discrete(4) actions."""
    env = CliffWalking()
    assert (env.observation_space.n, env.action_space.n) == (48, 4)


def test_interior_moves_go_one_cell_and_cost_one():
    """From an interior cell each action moves one cell in its direction at reward -1."""
    assert [move(13, a) for a in (UP, RIGHT, DOWN, LEFT)] == [
        (1, -1.0, False), (14, -1.0, False), (25, -1.0, False), (12, -1.0, False)]
    assert move(36, UP) == (24, -1.0, False)
    assert move(24, DOWN) == (36, -1.0, False)


# Every reachable border cell with every action that points off the grid.
OFF_GRID = (
    [(0, UP), (1, UP), (2, UP), (3, UP), (4, UP), (5, UP), (6, UP), (7, UP), (8, UP), (9, UP), (10, UP), (11, UP)]
    + [(0, LEFT), (12, LEFT), (24, LEFT), (36, LEFT)]
    + [(11, RIGHT), (23, RIGHT), (35, RIGHT)]
    + [(36, DOWN)]
)


@pytest.mark.parametrize("state, action", OFF_GRID)
def test_moves_off_the_grid_stay_put_with_reward_minus_one(state, action):
    """A move off the grid leaves the agent in its cell at reward -1, not terminating."""
    assert move(state, action) == (state, -1.0, False)


def test_off_grid_list_covers_all_twenty_border_moves():
    """The border list holds 20 distinct moves: 12 up, 4 left, 3 right, 1 down."""
    assert len(set(OFF_GRID)) == 20


@pytest.mark.parametrize("above", [25, 26, 27, 28, 29, 30, 31, 32, 33, 34])
def test_stepping_down_into_the_cliff_costs_100_and_returns_to_start(above):
    """Going down from row 2 into any cliff cell gives -100 and puts the agent back at 36, not terminating."""
    assert move(above, DOWN) == (36, -100.0, False)


def test_stepping_right_from_the_start_falls_into_the_cliff():
    """Going right from the start lands in cell 37, the cliff: -100, back to 36, not terminating."""
    assert move(36, RIGHT) == (36, -100.0, False)


def test_env_cliff_fall_keeps_the_episode_running():
    """In the environment a fall reports (36, -100, not terminated, not truncated) and stepping goes on."""
    env = CliffWalking()
    assert env.reset() == (36, {})
    assert env.step(RIGHT) == (36, -100.0, False, False, {})
    assert env.step(UP) == (24, -1.0, False, False, {})
    assert env.step(RIGHT) == (25, -1.0, False, False, {})
    assert env.step(DOWN) == (36, -100.0, False, False, {})
    assert env.state == 36


def test_stepping_into_the_goal_costs_one_and_terminates():
    """Going down from 35 reaches 47 at reward -1 and ends the episode."""
    assert move(35, DOWN) == (47, -1.0, True)


def test_env_edge_route_takes_13_steps_of_minus_one():
    """Up, eleven rights and down reach the goal in 13 steps, each -1, terminating only on the last."""
    env = CliffWalking()
    env.reset()
    results = [env.step(a) for a in [UP] + [RIGHT] * 11 + [DOWN]]
    assert [r[0] for r in results] == EDGE_ROUTE[1:]
    assert [r[1] for r in results] == [-1.0] * 13
    assert [r[2] for r in results] == [False] * 12 + [True]
    assert [r[3] for r in results] == [False] * 13


def test_step_after_termination_raises_until_reset():
    """Once the goal is reached, step raises RuntimeError; reset starts a fresh episode."""
    env = CliffWalking()
    env.reset()
    for a in [UP] + [RIGHT] * 11 + [DOWN]:
        env.step(a)
    with pytest.raises(RuntimeError):
        env.step(LEFT)
    assert env.reset() == (36, {})
    assert env.step(UP) == (24, -1.0, False, False, {})


def test_step_before_reset_raises():
    """Stepping a fresh environment without reset raises RuntimeError."""
    with pytest.raises(RuntimeError):
        CliffWalking().step(UP)


@pytest.mark.parametrize("action", [4, -1, True, 1.0])
def test_bad_actions_raise(action):
    """Actions outside the ints 0..3 (and bools, floats) raise ValueError and leave the state alone."""
    env = CliffWalking()
    env.reset()
    with pytest.raises(ValueError):
        env.step(action)
    assert env.state == 36 and env.steps == 0


def test_max_steps_truncates():
    """With max_steps=3, the third step reports truncated and the earlier ones do not."""
    env = CliffWalking(max_steps=3)
    env.reset()
    assert [env.step(LEFT)[3] for _ in range(3)] == [False, False, True]


def test_reaching_the_goal_on_the_last_allowed_step_is_terminated_not_truncated():
    """With max_steps=13 the edge route's last step reports terminated=True and truncated=False."""
    env = CliffWalking(max_steps=13)
    env.reset()
    for a in [UP] + [RIGHT] * 11:
        env.step(a)
    assert env.step(DOWN) == (47, -1.0, True, False, {})


def test_reset_restarts_the_step_count():
    """After reset the truncation count starts again from zero."""
    env = CliffWalking(max_steps=2)
    env.reset()
    env.step(LEFT)
    env.reset()
    assert env.step(LEFT)[3] is False
    assert env.step(LEFT)[3] is True


@pytest.mark.parametrize("max_steps", [0, True, -1, 2.0])
def test_bad_max_steps_raise(max_steps):
    """max_steps must be a positive int (not bool, not float) or None."""
    with pytest.raises(ValueError):
        CliffWalking(max_steps=max_steps)


def _gymnasium_cliff():
    gym = pytest.importorskip("gymnasium")
    for name in ("CliffWalking-v1", "CliffWalking-v0"):
        if name in gym.envs.registry:
            env = gym.make(name)
            env.reset(seed=0)
            return env.unwrapped
    pytest.skip("gymnasium has no CliffWalking environment")


def test_move_agrees_with_gymnasium_for_every_state_and_action():
    """move(s, a) gives the same next state, reward and termination as Gymnasium's CliffWalking."""
    # Gymnasium (toy_text/cliffwalking.py) precomputes P[s][a] for all 48 cells from the cell's position
    # alone, cliff cells and the goal included, and its step() reads P[env.s][a]; so setting
    # env.unwrapped.s = s steps from any cell. From a cliff cell or the goal it moves like any other cell
    # (e.g. 47 left -> 46 is a cliff fall: 36, -100; 47 right -> 47, -1, terminated), and move() does the
    # same, so no state needs skipping: all 48 x 4 outcomes agree. (Only CliffWalking.step differs, by
    # raising after the goal, where the raw Gymnasium env would keep stepping.)
    gym_env = _gymnasium_cliff()
    for s in range(48):
        for a in range(4):
            gym_env.s = s
            s_next, reward, terminated, truncated, _ = gym_env.step(a)
            assert move(s, a) == (int(s_next), float(reward), bool(terminated)), (s, a)
            assert truncated is False


def test_breadth_first_search_finds_a_13_step_shortest_path():
    """A BFS over move from 36 reaches 47 in 13 steps at the fewest (11 would mean walking the cliff)."""
    distance = {START: 0}
    frontier = deque([START])
    while frontier:
        s = frontier.popleft()
        if s == GOAL:
            continue
        for a in range(4):
            s_next, _, _ = move(s, a)
            if s_next not in distance:
                distance[s_next] = distance[s] + 1
                frontier.append(s_next)
    assert distance[47] == 13
    assert 37 not in distance  # the cliff cells are never occupied


def test_greedy_path_follows_the_edge_route():
    """On a Q preferring the edge, the greedy path is 36, 24, 25, ..., 35, 47."""
    assert greedy_path(edge_route_q()) == EDGE_ROUTE


def test_greedy_path_stops_when_the_start_bumps_into_the_wall():
    """If the best action at the start is left, the path is [36, 36]: it stops at the repeated state."""
    q = edge_route_q()
    q[36][LEFT] = 2.0
    assert greedy_path(q) == [36, 36]


def test_greedy_path_stops_at_a_two_cell_loop():
    """Right at 24 and left at 25 make a loop; the path ends on the first repeat, 24."""
    q = edge_route_q()
    q[25][LEFT] = 2.0
    assert greedy_path(q) == [36, 24, 25, 24]


def test_greedy_path_breaks_ties_by_the_first_action():
    """With all values equal the first action, up, is taken until the top wall repeats cell 0."""
    assert greedy_path(zero_q()) == [36, 24, 12, 0, 0]


def test_greedy_path_respects_the_step_limit():
    """With limit 2 the edge route is cut after two steps."""
    assert greedy_path(edge_route_q(), limit=2) == [36, 24, 25]


def test_the_text_map_draws_start_goal_and_cliff_on_the_bottom_row():
    lines = CliffWalking().text_map().split("\n")
    assert len(lines) == 4 and all(line.split() == ["."] * 12 for line in lines[:3])
    assert lines[3].split() == ["S", *["C"] * 10, "G"]


def test_step_refusals_say_what_is_wrong():
    env = CliffWalking()
    with pytest.raises(RuntimeError, match=r"^call reset\(\) before step\(\)$"):
        env.step(UP)
    env.reset()
    with pytest.raises(ValueError, match=exactly("action must be 0 (up), 1 (right), 2 (down) or 3 (left), got 4")):
        env.step(4)
    env.state = 35
    env.step(DOWN)
    with pytest.raises(RuntimeError, match=r"^the episode has ended; call reset\(\) to start a new one$"):
        env.step(UP)


def test_without_max_steps_an_episode_is_never_truncated():
    env = CliffWalking()
    env.reset()
    assert not any(env.step(LEFT)[3] for _ in range(200))
    assert CliffWalking(max_steps=1).reset() and CliffWalking(max_steps=1).max_steps == 1
