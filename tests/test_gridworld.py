"""Tests for policywerk.worlds.gridworld (the model) and worlds.mdp (ModelEnv sampling it)."""

from collections import Counter

import pytest

from conftest import exactly
from policywerk.rl.mdp import Discrete, ModelEnv, Transition, check_max_steps
from policywerk.worlds.gridworld import GridWorld, Jump

UP, RIGHT, DOWN, LEFT = 0, 1, 2, 3
# Default layout:  row0 ".....", row1 ".##..", row2 "...PG", row3 ".....", row4 "S...."
WALLS, PIT, GOAL, START = {6, 7}, 13, 14, 20


def outcome_map(world, s, a):
    return {t.next_state: t.probability for t in world.transitions(s, a)}


def test_states_are_numbered_row_major_and_walls_are_not_states():
    w = GridWorld()
    assert (w.rows, w.cols, w.n_states, w.n_actions) == (5, 5, 25, 4)
    assert w.states == [s for s in range(25) if s not in WALLS]
    assert w.cells("#") == [6, 7] and w.cells("P") == [PIT] and w.cells("G") == [GOAL]
    assert w.start == START == 4 * 5 + 0 and w.kind(2 * 5 + 4) == "G" and w.kind(1 * 5 + 1) == "#"
    assert w.is_terminal(GOAL) and w.is_terminal(PIT) and not w.is_terminal(START)


def test_actions_are_up_right_down_left_and_blocked_moves_stay_put():
    w = GridWorld()
    assert [w.move(16, a) for a in (UP, RIGHT, DOWN, LEFT)] == [11, 17, 21, 15]
    assert [w.move(0, UP), w.move(0, LEFT), w.move(24, DOWN), w.move(24, RIGHT)] == [0, 0, 24, 24]
    assert [w.move(11, UP), w.move(5, RIGHT), w.move(8, LEFT)] == [11, 5, 8]  # walls at 6 and 7


@pytest.mark.parametrize("slip", [0.0, 0.2, 0.5, 0.9])
def test_transition_probabilities_sum_to_one_with_distinct_valid_outcomes(slip):
    w = GridWorld(slip=slip)
    for s in w.states:
        if w.is_terminal(s):
            continue
        row, col = divmod(s, w.cols)
        for a in range(4):
            ts = w.transitions(s, a)
            assert sum(t.probability for t in ts) == pytest.approx(1.0, abs=1e-12)
            assert all(t.probability > 0 for t in ts)
            assert len({t.next_state for t in ts}) == len(ts)  # merged
            for t in ts:
                assert t.next_state in w.states
                r2, c2 = divmod(t.next_state, w.cols)
                assert abs(r2 - row) + abs(c2 - col) <= 1


def test_slip_sends_point_one_to_each_side():
    w = GridWorld(slip=0.2)
    assert outcome_map(w, 16, RIGHT) == pytest.approx({17: 0.8, 11: 0.1, 21: 0.1})
    assert outcome_map(w, 16, UP) == pytest.approx({11: 0.8, 17: 0.1, 15: 0.1})
    assert outcome_map(w, START, UP) == pytest.approx({15: 0.8, 21: 0.1, 20: 0.1})


def test_outcomes_landing_in_the_same_cell_are_merged():
    w = GridWorld(slip=0.2)
    assert outcome_map(w, 0, UP) == pytest.approx({0: 0.9, 1: 0.1})  # up and left both bump
    assert outcome_map(w, 0, LEFT) == pytest.approx({0: 0.9, 5: 0.1})
    assert outcome_map(w, 11, UP) == pytest.approx({11: 0.8, 12: 0.1, 10: 0.1})  # wall above
    corridor = GridWorld(layout=("S.G",), slip=0.2)
    assert outcome_map(corridor, 0, RIGHT) == pytest.approx({1: 0.8, 0: 0.2})


def test_without_slip_moves_are_deterministic_and_terminals_have_no_transitions():
    w, slippery = GridWorld(), GridWorld(slip=0.2)
    for s in w.states:
        for a in range(4):
            if w.is_terminal(s):
                assert w.transitions(s, a) == [] and slippery.transitions(s, a) == []
            else:
                assert outcome_map(w, s, a) == {w.move(s, a): 1.0}


def test_reward_is_for_the_cell_entered():
    w = GridWorld(goal_reward=5.0, pit_reward=-3.0, step_reward=-0.5)
    assert [t.reward for t in w.transitions(9, DOWN)] == [5.0]
    assert [t.reward for t in w.transitions(12, RIGHT)] == [-3.0]
    assert [t.reward for t in w.transitions(START, UP)] == [-0.5]
    assert [t.reward for t in w.transitions(11, UP)] == [-0.5]  # bumping a wall
    slippery = GridWorld(slip=0.2, goal_reward=5.0, pit_reward=-3.0, step_reward=-0.5)
    assert {t.next_state: t.reward for t in slippery.transitions(8, RIGHT)} == {9: -0.5, 3: -0.5, 13: -3.0}


@pytest.mark.parametrize("layout, message", [
    ((), "non-empty"),
    ((".S", "..."), "equal-length"),
    (("S.X",), r"unknown cells \['X'\]"),
    (("",), "layout"),
])
def test_bad_layout_raises_with_a_helpful_message(layout, message):
    with pytest.raises(ValueError, match=message):
        GridWorld(layout=layout)


@pytest.mark.parametrize("slip", [-0.1, 1.0, 1.5, float("nan")])
def test_bad_slip_raises(slip):
    with pytest.raises(ValueError, match=r"slip must be in \[0, 1\)"):
        GridWorld(slip=slip)


def test_bad_action_or_wall_state_raises():
    for action in (-1, 4):
        with pytest.raises(ValueError, match=r"action must be an int in 0\.\.3, got " + str(action)):
            GridWorld().transitions(0, action)
    with pytest.raises(ValueError, match="state 6 is a wall"):
        GridWorld().transitions(6, UP)


# --- ModelEnv ---------------------------------------------------------------------------------------
def test_reset_returns_the_start_and_step_follows_the_model():
    env = GridWorld(goal_reward=2.0).env()
    assert env.reset(seed=0) == (START, {})
    assert env.step(UP) == (15, 0.0, False, False, {"probability": 1.0})
    corridor = GridWorld(layout=("S.G",), goal_reward=2.0).env()
    corridor.reset(seed=0)
    corridor.step(RIGHT)
    assert corridor.step(RIGHT)[:4] == (2, 2.0, True, False)


def test_step_before_reset_and_invalid_actions_raise():
    env = GridWorld().env()
    with pytest.raises(RuntimeError, match="reset"):
        env.step(UP)
    env.reset(seed=0)
    for action in (-1, 4, 1.5, "1", True, None):
        with pytest.raises(ValueError, match="action must be an int"):
            env.step(action)


def test_step_after_termination_raises_until_reset():
    env = GridWorld(layout=("S.G",)).env()
    env.reset(seed=0)
    env.step(RIGHT)
    assert env.step(RIGHT)[2] is True
    with pytest.raises(RuntimeError, match="ended"):
        env.step(RIGHT)
    assert env.reset()[0] == 0
    assert env.step(RIGHT)[0] == 1


def test_same_seed_same_trajectory_and_different_seed_differs():
    w = GridWorld(layout=("S...", "....", ".#.."), slip=0.5)  # no terminals: never ends early
    runs = {}
    for name, seed in (("a", 7), ("b", 7), ("c", 8)):
        env = w.env(max_steps=None)
        env.reset(seed=seed)
        runs[name] = [env.step(a)[:2] for a in [UP, RIGHT, DOWN, LEFT] * 10]
    assert runs["a"] == runs["b"] and runs["a"] != runs["c"]


@pytest.mark.parametrize("state, action", [(START, UP), (11, UP), (16, RIGHT), (0, UP)])
def test_empirical_frequencies_match_the_model(state, action):
    w = GridWorld(slip=0.2)
    env = ModelEnv(w, state, max_steps=None)
    env.reset(seed=11)
    n = 20_000
    counts = Counter()
    for _ in range(n):
        env.reset()  # keeps the generator, so draws continue
        counts[env.step(action)[0]] += 1
    expected = outcome_map(w, state, action)
    assert set(counts) == set(expected)
    for s2, p in expected.items():
        assert abs(counts[s2] / n - p) < 0.015


def test_truncation_at_max_steps():
    env = GridWorld().env(max_steps=3)
    env.reset(seed=0)
    flags = [env.step(LEFT)[2:4] for _ in range(3)]  # bumps the edge: never terminates
    assert flags == [(False, False), (False, False), (False, True)]
    env.reset()
    assert env.step(LEFT)[3] is False  # reset restarts the step count
    unlimited = GridWorld().env(max_steps=None)
    assert unlimited.reset(seed=0) and not any(unlimited.step(LEFT)[3] for _ in range(500))


def test_start_without_s_is_a_real_state():
    w = GridWorld(layout=("#.G",))
    assert w.env().reset()[0] in w.states


def test_state_outside_the_grid_and_bad_max_steps_raise():
    w = GridWorld()
    for state in (-1, w.n_states, 1.5):
        with pytest.raises(ValueError, match="state must be an int"):
            w.transitions(state, 0)
    with pytest.raises(ValueError, match="max_steps"):
        w.env(max_steps=0)


def test_world_cannot_be_changed_after_validation():
    import dataclasses

    w = GridWorld(slip=0.2)
    with pytest.raises(dataclasses.FrozenInstanceError):
        w.slip = 2.0


# --- bumps that cost, and jumps (Sutton & Barto, Example 3.5) -----------------------------------------
def test_a_bump_pays_the_bump_reward_and_other_moves_do_not():
    w = GridWorld(layout=("...", "..."), bump_reward=-1.0)
    assert [(t.next_state, t.reward) for t in w.transitions(0, UP)] == [(0, -1.0)]
    assert [(t.next_state, t.reward) for t in w.transitions(0, RIGHT)] == [(1, 0.0)]
    slippery = GridWorld(layout=("...", "..."), slip=0.2, bump_reward=-1.0)
    # moving right from the top-left corner: a slip up bumps (-1), a slip down moves on (0)
    assert {t.next_state: (t.probability, t.reward) for t in slippery.transitions(0, RIGHT)} == {
        1: (0.8, 0.0), 0: (0.1, -1.0), 3: (0.1, 0.0)}
    assert [t.reward for t in GridWorld().transitions(11, UP)] == [0.0]  # no bump reward: as before


def test_a_jump_takes_every_action_to_its_target_whatever_the_slip():
    w = GridWorld(layout=(".....",) * 5, slip=0.4, jumps=(Jump(1, 21, 10.0),))
    for action in range(4):
        assert w.transitions(1, action) == [Transition(1.0, 21, 10.0)]
    assert len(w.transitions(2, DOWN)) == 3  # other cells slip as usual


@pytest.mark.parametrize("jumps, message", [
    ((Jump(1, 25, 1.0),), "floor cell to a floor cell"),
    ((Jump(6, 0, 1.0),), "floor cell to a floor cell"),  # 6 is the wall
    ((Jump(14, 0, 1.0),), "floor cell to a floor cell"),  # 14 is the goal
    ((Jump(0, 1, 1.0), Jump(0, 2, 1.0)), "one jump at most"),
])
def test_bad_jumps_raise(jumps, message):
    with pytest.raises(ValueError, match=message):
        GridWorld(jumps=jumps)


def test_a_model_env_refuses_to_start_in_a_wall_or_a_terminal():
    w = GridWorld()
    for start in (6, PIT, GOAL):  # a wall, the pit, the goal
        with pytest.raises(ValueError, match=f"non-terminal state, got {start}$"):
            ModelEnv(w, start)


def test_the_grid_as_text_shows_the_layout_or_each_cells_value_and_arrow():
    w = GridWorld(layout=("S.#", ".PG"))
    assert w.to_text() == " S    .   ###\n .   pit  goal"
    values = [0.5, -0.25, 0.0, 1.0, 0.0, 0.0]  # walls and terminals show their kind, not a value
    assert w.to_text(values) == " +0.500   -0.250    ###\n +1.000    pit      goal"
    assert w.to_text(values, [1, 2, 0, 0, 0, 0]) == " +0.500→  -0.250↓   ###\n +1.000↑   pit      goal"


# --- messages, defaults and limits ----------------------------------------------------------------------
@pytest.mark.parametrize("layout, message", [
    ((), "layout must be a non-empty tuple of equal-length, non-empty strings"),
    ((".S", "..."), "layout must be a non-empty tuple of equal-length, non-empty strings"),
    (("", ""), "layout must be a non-empty tuple of equal-length, non-empty strings"),
    (("S.X", "YX."), "layout has unknown cells ['X', 'Y']; allowed are . # S G P"),
    (("#G", "P#"), "layout has no cell to start from (no S and no free floor)"),
])
def test_bad_layouts_are_refused_with_the_whole_message(layout, message):
    with pytest.raises(ValueError, match=exactly(message)):
        GridWorld(layout=layout)


def test_the_smallest_layouts_are_accepted():
    """One free cell is a world; so are two equal rows; a slip just below 1 is allowed."""
    assert GridWorld(layout=(".",)).start == 0
    assert GridWorld(layout=("S", ".")).n_states == 2
    assert GridWorld(slip=0.99).slip == 0.99


def test_bad_slip_message_names_the_value():
    with pytest.raises(ValueError, match=exactly("slip must be in [0, 1), got 1.0")):
        GridWorld(slip=1.0)


def test_the_sizes_and_spaces_follow_the_layout():
    w = GridWorld(layout=("S..", "..G"))
    assert (w.rows, w.cols, w.n_states, w.n_actions) == (2, 3, 6, 4)
    assert w.observation_space == Discrete(6) and w.action_space == Discrete(4)


def test_without_s_the_start_is_the_first_non_terminal_floor_cell():
    """No S: the start is the first cell (row by row) that is neither a wall nor terminal; an S wins."""
    assert GridWorld(layout=("#G..", "....")).start == 2
    assert GridWorld(layout=("....", ".S.G")).start == 5


def test_jumps_may_start_or_end_on_the_start_cell():
    w = GridWorld(layout=("S..",), jumps=(Jump(0, 2, 3.0), Jump(1, 0, -1.0)))
    assert w.transitions(0, RIGHT) == [Transition(1.0, 2, 3.0)]
    assert w.transitions(1, LEFT) == [Transition(1.0, 0, -1.0)]


FLOOR_TO_FLOOR = "a jump must go from a floor cell to a floor cell, got "


@pytest.mark.parametrize("jumps, message", [
    ((Jump(1, 25, 1.0),), FLOOR_TO_FLOOR + "Jump(source=1, target=25, reward=1.0)"),
    ((Jump(-1, 0, 1.0),), FLOOR_TO_FLOOR + "Jump(source=-1, target=0, reward=1.0)"),
    ((Jump(0, 13, 1.0),), FLOOR_TO_FLOOR + "Jump(source=0, target=13, reward=1.0)"),
    ((Jump(0, 1, 1.0), Jump(0, 2, 1.0)), "a cell can be the source of one jump at most"),
])
def test_bad_jumps_are_refused_with_the_whole_message(jumps, message):
    with pytest.raises(ValueError, match=exactly(message)):
        GridWorld(jumps=jumps)


def test_bad_actions_states_and_walls_are_refused_with_the_whole_message():
    w = GridWorld()
    with pytest.raises(ValueError, match=exactly("action must be an int in 0..3, got 4")):
        w.transitions(0, 4)
    with pytest.raises(ValueError, match=exactly("state must be an int in 0..24, got 25")):
        w.transitions(25, 0)
    with pytest.raises(ValueError, match=exactly("state 6 is a wall, not a state")):
        w.transitions(6, UP)
    assert w.transitions(24, UP) == [Transition(1.0, 19, 0.0)]  # the last state and action are allowed
    assert w.transitions(0, LEFT) == [Transition(1.0, 0, 0.0)]


def test_a_slip_goes_half_to_each_side_of_every_action():
    """Slip 0.4 from the middle of a 3 x 3 floor: 0.6 ahead, 0.2 to each side, none backwards."""
    w = GridWorld(layout=("...", ".S.", "..."), slip=0.4)
    ahead_and_sides = {UP: (1, 5, 3), RIGHT: (5, 7, 1), DOWN: (7, 3, 5), LEFT: (3, 1, 7)}
    for action, (ahead, side, other_side) in ahead_and_sides.items():
        assert outcome_map(w, 4, action) == pytest.approx({ahead: 0.6, side: 0.2, other_side: 0.2})


def test_a_gridworld_env_truncates_at_100_steps_by_default():
    env = GridWorld().env()
    env.reset(seed=0)
    flags = [env.step(LEFT)[3] for _ in range(100)]  # bumps the edge: never terminates
    assert flags == [False] * 99 + [True]


# --- ModelEnv and the spaces ----------------------------------------------------------------------------
def test_a_model_env_refuses_a_bad_start_with_the_whole_message():
    with pytest.raises(ValueError, match=exactly("start must be a non-terminal state, got 6")):
        ModelEnv(GridWorld(), 6)
    with pytest.raises(ValueError, match=exactly("start must be a non-terminal state, got 25")):
        ModelEnv(GridWorld(), 25)


def test_a_model_env_has_the_models_spaces_and_no_step_limit_by_default():
    env = ModelEnv(GridWorld(layout=("S...",)), 0)
    assert env.observation_space == Discrete(4) and env.action_space == Discrete(4)
    assert env.max_steps is None and env.start == 0


def test_model_env_step_refusals_say_what_is_wrong():
    env = GridWorld(layout=("S.G",)).env()
    with pytest.raises(RuntimeError, match=exactly("call reset() before step()")):
        env.step(RIGHT)
    env.reset(seed=0)
    for action in (-1, 4, True):
        with pytest.raises(ValueError, match=exactly(f"action must be an int in 0..3, got {action!r}")):
            env.step(action)
    env.step(RIGHT)
    env.step(RIGHT)
    with pytest.raises(RuntimeError, match=exactly("the episode has ended; call reset() to start a new one")):
        env.step(RIGHT)


def test_a_model_env_seed_reseeds_and_a_reset_without_one_continues_the_generator():
    """The first reset without a seed is seed 0; a later one keeps drawing from the same generator;
    a seed restarts it, on a used env too."""
    w = GridWorld(layout=("...", ".S.", "..."), slip=0.8)

    def draws(env, seeds):
        out = []
        for seed in seeds:
            env.reset(seed=seed)
            out.append(env.step(UP)[0])
        return out

    unseeded = draws(w.env(), [None] * 20)
    assert unseeded == draws(w.env(), [0] + [None] * 19)
    assert len(set(unseeded)) > 1  # the draws go on rather than repeat the first
    used = w.env()
    draws(used, [5, None])
    assert draws(used, [0] + [None] * 19) == unseeded


def test_the_step_count_and_info_follow_each_step():
    """Each step reports the probability of the outcome drawn; max_steps=1 truncates at once."""
    env = GridWorld(layout=("...", ".S.", "..."), slip=0.4).env(max_steps=1)
    env.reset(seed=0)
    state, _, _, truncated, info = env.step(UP)
    assert truncated and info == {"probability": outcome_map(env.mdp, 4, UP)[state]}


def test_discrete_holds_the_ints_from_0_to_n_minus_1():
    space = Discrete(3)
    assert [space.contains(x) for x in (-1, 0, 1, 2, 3)] == [False, True, True, True, False]
    assert not any(space.contains(x) for x in (True, 1.0, "1", None))


def test_check_max_steps_takes_a_positive_int_or_none():
    assert check_max_steps(1) == 1 and check_max_steps(None) is None
    for bad in (0, -1, 1.0, True):
        with pytest.raises(ValueError, match=exactly(f"max_steps must be a positive int or None, got {bad!r}")):
            check_max_steps(bad)
