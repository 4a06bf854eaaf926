# %% [markdown]
# # Lesson 04 · Watkins 1989: Q-learning and SARSA on the cliff
#
# Christopher Watkins' PhD thesis, *Learning from Delayed Rewards* (University of Cambridge, 1989), turned
# the temporal-difference prediction of lesson 03 into a way of learning to *act*. It learns the value of
# every action in every state, and it learns the values of the **best** actions even while the agent
# behaves otherwise, exploring. Watkins and Dayan proved in 1992 (*Machine Learning* 8, 279-292) that it
# converges to the optimal values (provided every action keeps being tried in every state and the step
# sizes shrink). Its close relative **SARSA** (Rummery & Niranjan 1994, named by
# Sutton) learns the values of the actions the agent actually takes.
#
# The two differ in one line of code. The cliff world of Sutton & Barto's Example 6.6 shows what that
# one line does. This page is generated from `src/policywerk/lessons/l04_q_learning.py`; the code ran when
# the site was built, and what it printed and drew stands beneath it.

# %%
import difflib
import inspect
import statistics

from policywerk.agents.td_control import expected_sarsa, q_learning, sarsa, td_control
from policywerk.math.random import Rng
from policywerk.math.vectors import moving_average
from policywerk.session import budget, seeds
from policywerk.show import show_hyperparameters, show_table
from policywerk.viz.cliff import cliff_animation, paths_figure, reward_figure
from policywerk.worlds.cliff import ARROWS, CLIFF, COLS, GOAL, ROWS, START, CliffWalking, greedy_path

EPISODES = 500
EPSILON = 0.1
ALPHA = 0.5
GAMMA = 1.0
RUNS = budget(full=100, quick=20)
METHODS = {"Q-learning": q_learning, "SARSA": sarsa, "Expected SARSA": expected_sarsa}
FIRST_SEED = seeds(0)
show_hyperparameters([
    ("EPISODES", EPISODES, "the textbook's protocol: 500 episodes ..."),
    ("EPSILON", EPSILON, "... of epsilon-greedy behaviour ..."),
    ("ALPHA", ALPHA, "... with this step size ..."),
    ("GAMMA", GAMMA, "... and no discount"),
    ("RUNS", RUNS, "independent runs to average over"),
    ("FIRST_SEED", FIRST_SEED, "run k uses seed FIRST_SEED + k; the first is the one shown"),
])

# %% [markdown]
# ## The world: a short way along the edge, a long way round
#
# A 4 x 12 grid. The agent starts at `S` in the bottom-left corner and must reach `G` in the bottom-right.
# Between them on the bottom row lies the cliff. Every step costs $-1$, the one into the goal included;
# a step into the cliff costs $-100$ and puts the agent back at the start, and the episode goes on. A move
# off the grid leaves the agent where it is. The layout, numbering and rewards are those of Gymnasium's
# `CliffWalking`: state `row * 12 + col` with row 0 at the top, so the start is 36 and the goal 47; actions
# 0 up, 1 right, 2 down, 3 left.
#
# The shortest route runs along the edge of the cliff: 13 steps, a return of $-13$.

# %%
for row in range(ROWS):
    print(" ".join("S" if s == START else "G" if s == GOAL else "C" if s in CLIFF else "."
                   for s in range(row * COLS, (row + 1) * COLS)))
env = CliffWalking()
state, _ = env.reset()
print("\nstart", state, "| step right:", env.step(1)[:3], "| back to", env.reset()[0],
      "| step up:", env.step(0)[:3])

# %% [markdown]
# ## From predicting to choosing
#
# Lesson 03 learned the value $V(s)$ of a state under behaviour it did not control. To choose, the agent
# needs the value of each *action*: $Q(s, a)$, the return expected from taking $a$ in $s$ and following
# a policy afterwards (which policy is exactly where the two methods below differ). Acting greedily on
# $Q$ is then a maximum over four numbers. But an agent that always takes the
# action it currently thinks best never finds out about the others, so it acts **$\varepsilon$-greedily**:
# with probability $\varepsilon = 0.1$ a random action, otherwise the best one.
#
# Both methods learn from each step $(S, A, R, S', A')$ (the quintuple that gave SARSA its name) with the
# same temporal-difference update,
#
# $$ Q(S, A) \leftarrow Q(S, A) + \alpha\,\big[\,\text{target} - Q(S, A)\,\big], $$
#
# and differ only in the target. SARSA bootstraps from the action it will really take next,
# $R + \gamma\,Q(S', A')$. Q-learning bootstraps from the best action in $S'$, whichever it takes,
# $R + \gamma \max_a Q(S', a)$. In the code, each method *is* its target, and the rest of the routine is
# shared ([`agents/td_control.py`](https://github.com/policywerk/policywerk/blob/main/src/policywerk/agents/td_control.py)).
# Here is the difference, as a diff of the functions' source: SARSA against Q-learning, and against
# Expected SARSA (introduced below):

# %%
def body(function):
    """A function's source without its first line, the one that names it."""
    return inspect.getsource(function).splitlines()[1:]


for old, new in ((sarsa, q_learning), (sarsa, expected_sarsa)):
    diff = [line for line in difflib.unified_diff(body(old), body(new), old.__name__, new.__name__, lineterm="")
            if line.startswith(("-", "+"))]
    print("\n".join(diff), end="\n\n")
    assert len(diff) == 4, "the methods should differ in exactly one line"

# %% [markdown]
# That `max` is the whole of Q-learning. It makes the method **off-policy**: it learns the values of the
# greedy policy while following the $\varepsilon$-greedy one. SARSA is **on-policy**: it learns the values
# of the policy it follows, exploration and all. Expected SARSA, the natural third, replaces the sampled
# $A'$ by the average over what the $\varepsilon$-greedy policy might do:
# $(1 - \varepsilon)\max_a Q(S', a) + \varepsilon \cdot \text{mean}_a Q(S', a)$.
#
# ## Five hundred episodes, many times over
#
# The textbook's protocol: all action values start at 0; 500 episodes with $\varepsilon = 0.1$,
# $\alpha = 0.5$ and no discount; the sum of rewards of each episode recorded. We repeat it with 100
# independent seeds for each method (20 in the quick setting the tests use).

# %%
runs = {name: [td_control(CliffWalking(), target, EPISODES, ALPHA, EPSILON, GAMMA, Rng(seed))
               for seed in range(FIRST_SEED, FIRST_SEED + RUNS)] for name, target in METHODS.items()}
rewards = {name: [statistics.mean(h[k].reward for _, h in results) for k in range(EPISODES)]
           for name, results in runs.items()}
last = {name: statistics.mean(rewards[name][-100:]) for name in METHODS}  # online reward, last 100 episodes
WINDOW = 10
reward_figure({name: moving_average(curve, WINDOW) for name, curve in rewards.items()},
              {name: [e.reward for e in results[0][1]] for name, results in runs.items()}, RUNS, WINDOW,
              name="l04-rewards",
              alt=(f"Left: the sum of rewards per episode averaged over {RUNS} runs; after a few dozen episodes "
                   f"Expected SARSA settles near {last['Expected SARSA']:.0f}, SARSA near {last['SARSA']:.0f} and "
                   f"Q-learning near {last['Q-learning']:.0f}. Right: one run of each, every episode, on an axis "
                   f"that turns logarithmic below -100, with the first episodes costing over a thousand."))

blocks = range(0, EPISODES, 50)
show_table(["episodes", *METHODS],
           [[f"{b + 1}-{b + 50}", *(f"{statistics.mean(rewards[name][b:b + 50]):.1f}" for name in METHODS)]
            for b in blocks],
           caption=f"Average sum of rewards per episode, in blocks of 50 episodes, over {RUNS} runs.")
print("online reward over the last 100 episodes:", ", ".join(f"{n} {v:.1f}" for n, v in last.items()))
assert last["SARSA"] > last["Q-learning"], "SARSA should collect more reward online than Q-learning"

# %% [markdown]
# SARSA collects much more reward while it learns, and Expected SARSA a little more still. Q-learning
# keeps falling off the cliff. The right panel shows how rough a single run is: the first episodes wander
# for hundreds of steps and fall again and again before the values say anything useful.
#
# ## What each one learned
#
# The routes tell why. Below, for each method, the greedy arrows and the greedy path from the start,
# computed from the action values averaged over the 100 runs (the single runs are in the table after it).

# %%
def mean_q(results):
    return [[statistics.mean(q[s][a] for q, _ in results) for a in range(len(ARROWS))] for s in range(ROWS * COLS)]


def edge_cells(path):
    """How many cells of a path run directly along the cliff (row 2, above the cliff itself)."""
    return sum(1 for s in path if s + COLS in CLIFF)


typical = {name: mean_q(results) for name, results in runs.items()}
paths = {name: greedy_path(q) for name, q in typical.items()}
paths_figure([(f"{name}: {len(paths[name]) - 1} steps,\n{edge_cells(paths[name])} along the edge", typical[name],
               paths[name]) for name in METHODS],
             name="l04-paths",
             alt=("The greedy routes on the cliff grid. Q-learning's runs right along the edge of the cliff in 13 "
                  "steps; SARSA's climbs to the top row and comes down at the far end; Expected SARSA's keeps one "
                  "row away from the edge."))

stats = []
for name, results in runs.items():
    greedy = [greedy_path(q) for q, _ in results]
    reached = [p for p in greedy if p[-1] == GOAL]
    stats.append([name, f"{len(reached)} of {RUNS}",
                  statistics.median(len(p) - 1 for p in reached) if reached else "—",
                  sum(len(p) - 1 == 13 for p in reached),
                  statistics.median(edge_cells(p) for p in reached) if reached else "—"])
show_table(["method", "greedy path reaches the goal", "median length", "13-step paths", "median cells along the edge"],
           stats, caption=f"The greedy path of each of the {RUNS} runs after {EPISODES} episodes.")
q_edge = sum(greedy_path(q) == [START, 24, *range(25, 36), GOAL] for q, _ in runs["Q-learning"])
print(f"Q-learning's greedy path is the 13-step edge in {q_edge} of {RUNS} runs")
assert len(paths["Q-learning"]) - 1 == 13 and edge_cells(paths["Q-learning"]) == 10, "Q-learning should hug the edge"
assert q_edge >= 0.9 * RUNS, "nearly every Q-learning run should find the edge"
assert paths["SARSA"][-1] == GOAL and edge_cells(paths["SARSA"]) < edge_cells(paths["Q-learning"]), (
    "SARSA's route should keep further from the cliff")

# %% [markdown]
# Q-learning has learned the optimal route, along the edge: its values are those of the greedy policy,
# which never explores and so never falls. But the agent does not follow the greedy policy; it follows
# the $\varepsilon$-greedy one, and on the edge a random step goes down with probability
# $\varepsilon / 4$ in each of the ten cells, straight over the cliff. SARSA's values include that risk,
# since they are the values of the policy that explores. So it learns a longer route away from the edge,
# a worse *policy* that earns more *while exploring*. With $\varepsilon$ slowly reduced to zero, both
# would converge to the edge.
#
# SARSA's greedy path from a single run does not always reach the goal (the table): with $\alpha = 0.5$
# its values keep moving with every episode, and where two actions are nearly tied the greedy arrows can
# point at each other, or into the edge of the grid, so that the greedy step goes nowhere. Its values
# averaged over runs are steady, and their route is the one above.

# %%
falls = 10 * EPSILON / len(ARROWS)  # cells along the edge x chance of a random step down in each
print(f"falls per pass along the edge under ε-greedy: about {falls:.2f}, each costing 100 and a walk back")

# %% [markdown]
# ## Watching them learn
#
# One run of each method, the same seed for both. Top left: Q-learning's greedy arrows after the episode
# and the path it actually took, exploration included, with a cross where it fell (a dot marks a cell whose
# actions are all still valued equally); bottom left: SARSA's. Middle: the four action values of the
# marked cell above the cliff, one of the edge cells where the methods disagree. Right: reward per episode
# as a 10-episode mean, this run and the average over all runs (faint).

# %%
CELL = 29  # row 2, column 5: directly above the cliff
shown = {name: td_control(CliffWalking(), METHODS[name], EPISODES, ALPHA, EPSILON, GAMMA, Rng(FIRST_SEED), keep=True)[1]
         for name in ("Q-learning", "SARSA")}
assert [e.reward for e in shown["SARSA"]] == [e.reward for e in runs["SARSA"][0][1]], "the same seed, the same run"
frames = [*range(1, 11), *range(20, 101, 10), *range(125, EPISODES + 1, 25)]
averaged = {name: moving_average(rewards[name], WINDOW) for name in shown}
animation = cliff_animation(
    shown, averaged, CELL, frames, WINDOW, name="l04-cliff",
    alt=("Two cliff grids, Q-learning above and SARSA below, with greedy arrows and each episode's "
         "path: early paths wander and fall, later ones settle, Q-learning's along the edge and "
         "SARSA's a row or more above it; the middle pane shows the four action values of a cell "
         "above the cliff, the right pane the reward per episode rising, SARSA's above "
         "Q-learning's."))
single = {name: moving_average([e.reward for e in history], WINDOW)
          for name, history in shown.items()}
rows = [1, *range(EPISODES // 10, EPISODES + 1, EPISODES // 10)]
show_table(["episode", *(f"{name}, seed {FIRST_SEED}" for name in shown),
            *(f"{name}, {RUNS} runs" for name in shown)],
           [[k, *(f"{single[name][k - 1]:.1f}" for name in shown),
             *(f"{averaged[name][k - 1]:.1f}" for name in shown)] for k in rows],
           caption=f"The animation's right pane in numbers: reward per episode, {WINDOW}-episode "
                   "mean. An episode's number shows its frame in the animation.",
           frames=animation.frames_at(rows))
print("after the last episode, Q at the marked cell:")
for name, history in shown.items():
    print(f"  {name:10s}", "  ".join(f"{ARROWS[a]} {v:7.1f}" for a, v in enumerate(history[-1].q[CELL])))
for name, q in typical.items():
    print(f"  {name}, averaged over the {RUNS} runs:",
          "  ".join(f"{ARROWS[a]} {v:7.1f}" for a, v in enumerate(q[CELL])))
right, up = ARROWS.index("→"), ARROWS.index("↑")
assert max(typical["Q-learning"][CELL]) == typical["Q-learning"][CELL][right], "Q-learning should go along the edge"
assert typical["SARSA"][CELL][up] > typical["SARSA"][CELL][right], "SARSA should rather climb away from the edge"

# %% [markdown]
# In the marked cell, both methods value "down" far below the rest. For Q-learning it is exactly the fall,
# $-100$, plus the 13 steps of the best route from the start. SARSA's "down" is less negative only
# because SARSA rarely tries it there, so it has not converged. They part on the other actions:
# Q-learning values "right", along the edge, as the short way home, while SARSA, whose values count the
# falls its own exploration will cause, rates climbing away ("up") above going on along the edge
# ("right"); in the single run above it even rates turning back ("left") highest.
#
# ## What this lesson leaves out, and what comes next
#
# Everything is still a table: one number per state and action, learned only where the agent has been.
# With 48 states that is fine. With a screen of pixels as the state there are more states than the agent
# will ever visit twice. Lesson 05 replaces the table by a neural network, the same update by gradient
# descent, and finds that the `max` that makes Q-learning powerful also makes it unstable, until two
# ideas tame it.
