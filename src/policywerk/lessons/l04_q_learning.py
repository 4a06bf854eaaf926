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
#
# The learning routine is `td_control` in `agents/td_control.py`, about thirty lines shared by all three
# methods on this page; the world is `worlds/cliff.py`. What this page's code adds is the experiment:
# many runs of each method on the same seeds, their averages, and the questions put to what they learned.

# %% tags=["setup"]
import difflib
import inspect
import statistics

from policywerk.agents.td_control import (
    epsilon_greedy,
    expected_sarsa,
    q_learning,
    sarsa,
    td_control,
)
from policywerk.math.random import Rng
from policywerk.math.stats import Z95, estimate, paired, rate
from policywerk.math.vectors import moving_average
from policywerk.session import budget, seeds
from policywerk.show import show_hyperparameters, show_source, show_table
from policywerk.sketch import cliff_map, line_chart
from policywerk.viz.cliff import cliff_animation, paths_figure, reward_figure
from policywerk.worlds.cliff import ARROWS, CLIFF, COLS, GOAL, START, CliffWalking, greedy_path

# %% [markdown]
# The hyperparameters are the textbook's, and all of them stand here. Only the number of runs shrinks in
# the quick setting that the tests use; `FIRST_SEED` moves every run to other seeds when a reader runs
# the page with `--seed N`. `METHODS` maps each method's name to its target function. The experiments
# below loop over this dictionary, so a method added to it is run, averaged, drawn and tabled with the
# others without another change (the animation alone shows Q-learning and SARSA only).

# %% tags=["setup"]
EPISODES = 500
EPSILON = 0.1
ALPHA = 0.5
GAMMA = 1.0
RUNS = budget(full=100, quick=30)
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
# The shortest route runs along the edge of the cliff: 13 steps, a return of $-13$. Printed row by row,
# with `C` for the cliff:

# %%
print(CliffWalking().text_map())

# %% [markdown]
# The world answers as Gymnasium's worlds do: `reset()` gives the first observation, and `step(action)`
# the next one, the reward, whether the episode ended, whether it was cut short, and a dictionary of
# extras. A step right from the start is a step into the cliff; a step up is an ordinary step:

# %%
env = CliffWalking()
state, _ = env.reset()
after, reward, ended, _, _ = env.step(1)
print(f"start {state} | step right: to {after}, reward {reward:g}, ended {ended}")
state, _ = env.reset()
after, reward, ended, _, _ = env.step(0)
print(f"start {state} | step up: to {after}, reward {reward:g}, ended {ended}")

# %% [markdown]
# A fall does not end the episode: the agent is back at the start, 100 poorer, and must still get to the
# goal. So a learner can fall many times in one episode, which is where the early episodes' large losses
# come from.
#
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
# shared. Here is that routine; `target(...)` is the only place a method enters it:

# %%
show_source(td_control, "The routine all three methods share")

# %% [markdown]
# The behaviour comes from `epsilon_greedy`, and so does part of what SARSA learns: with probability
# $\varepsilon$ it takes any of the four actions, otherwise the best one. Where several actions share the
# best value, as all four do at the start when every value is 0, it picks one of them at random; always
# taking the first would send every early episode the same way.

# %%
show_source(epsilon_greedy, "ε-greedy behaviour, ties broken at random")

# %% [markdown]
# Note the order inside the loop: the next action `a_next` is chosen *before* the update, because SARSA's
# target needs it. Sutton & Barto's Q-learning chooses it after; what that changes, and how little, is
# measured near the end of the page. Here is the difference between the methods, as a diff of the
# functions' source: SARSA against Q-learning, and against Expected SARSA (introduced below). The code
# builds the diff from the source itself, so the page cannot claim one line while the code differs in
# two:

# %%
def body(function):
    """A function's source without its first line, the one that names it."""
    return inspect.getsource(function).splitlines()[1:]


for old, new in ((sarsa, q_learning), (sarsa, expected_sarsa)):
    lines = difflib.unified_diff(body(old), body(new), old.__name__, new.__name__, lineterm="")
    diff = [line for line in lines if line.startswith(("-", "+"))]
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
# independent seeds for each method (30 in the quick setting the tests use). Run $k$ of every method
# uses seed `FIRST_SEED` + $k$, so the three methods are compared on the same random numbers.
#
# Each run returns what it `learned`: the final action values `q`, and a record of every episode, of
# which this experiment reads the sum of rewards. The curve of a method is that sum averaged over its
# runs, episode by episode.

# %%
runs = {}
for name, target in METHODS.items():
    runs[name] = [td_control(CliffWalking(), target, EPISODES, ALPHA, EPSILON, GAMMA, Rng(seed))
                  for seed in range(FIRST_SEED, FIRST_SEED + RUNS)]


def mean_reward(learned_runs, k):
    """The sum of rewards of episode k, averaged over the runs."""
    return statistics.mean(learned.episodes[k].reward for learned in learned_runs)


def online(learned):
    """A run's online reward: its sum of rewards per episode, over its last 100 episodes."""
    return statistics.mean(e.reward for e in learned.episodes[-100:])


rewards = {name: [mean_reward(results, k) for k in range(EPISODES)]
           for name, results in runs.items()}
last = {name: estimate(online(learned) for learned in results) for name, results in runs.items()}

# %% [markdown]
# The figure draws each method's average as a 10-episode moving average, and beside it the raw sum of
# rewards of each method's first run, episode by episode, to show how much a single run varies. Even
# averaged over a hundred runs the curves jitter without the moving average: in any episode, any run
# may or may not fall. The shading is each average's 95% interval, episode by episode: the runs'
# moving averages, their mean $\pm$ 1.96 standard errors.

# %%
WINDOW = 10
smoothed = {name: [moving_average([e.reward for e in run.episodes], WINDOW) for run in results]
            for name, results in runs.items()}
reward_figure({name: moving_average(curve, WINDOW) for name, curve in rewards.items()},
              {name: [e.reward for e in results[0].episodes] for name, results in runs.items()},
              RUNS, WINDOW, name="l04-rewards",
              bands={name: [Z95 * estimate(column).error for column in zip(*curves)]
                     for name, curves in smoothed.items()},
              alt=(f"Left: the sum of rewards per episode averaged over {RUNS} runs, each in a "
                   f"shaded 95% band; after a few dozen episodes Expected SARSA settles near "
                   f"{last['Expected SARSA'].mean:.0f}, SARSA near {last['SARSA'].mean:.0f} and "
                   f"Q-learning near {last['Q-learning'].mean:.0f}. Right: one run of each, every "
                   f"episode, on an axis that turns logarithmic below -100, with the first "
                   f"episodes costing over a thousand."))

blocks = range(0, EPISODES, 50)
show_table(["episodes", *METHODS],
           [[f"{b + 1}-{b + 50}", *(f"{statistics.mean(rewards[name][b:b + 50]):.1f}"
                                    for name in METHODS)] for b in blocks],
           caption=f"Average sum of rewards per episode, in blocks of 50 episodes, over "
                   f"{RUNS} runs.")

# %% [markdown]
# Over the last 100 episodes the curves are flat, so each run's mean reward per episode there, its
# `online` reward, sums up how it does once it has learned. Averaged over the runs, it comes with its
# standard error. The three methods ran on the same seeds, so they are compared run by run, on paired
# differences, and a claim holds only with a margin of three standard errors.

# %%
print("online reward per episode, over the last 100 episodes of each run:")
for name, value in last.items():
    print(f"  {name:<15} {value.text(1)}")
safer = paired(map(online, runs["SARSA"]), map(online, runs["Q-learning"]))
steadier = paired(map(online, runs["Expected SARSA"]), map(online, runs["SARSA"]))
print(f"SARSA minus Q-learning, run by run:  {safer.text(1)}")
print(f"Expected SARSA minus SARSA:          {steadier.text(1)}")
assert safer.mean > 3 * safer.error, "SARSA should collect more reward online than Q-learning"
assert steadier.mean > 3 * steadier.error, "... and Expected SARSA more still"

# %% [markdown]
# SARSA collects much more reward while it learns, and Expected SARSA a little more still. Q-learning
# keeps falling off the cliff. The right panel shows how rough a single run is: the first episodes wander
# for hundreds of steps and fall again and again before the values say anything useful.
#
# Why do the first episodes take so long? Every value starts at 0 and every step costs $-1$, so an action
# the agent has tried looks worse than one it has not. The agent is drawn, step by step, toward whatever
# it has tried least, and sweeps the whole grid before the values of the good route stand out. This
# optimism of the zero start is a form of exploration in its own right, on top of the $\varepsilon$-greedy
# kind.
#
# ## What each one learned
#
# The routes tell why. Below, for each method, the greedy arrows and the greedy path from the start,
# computed from the action values averaged over the 100 runs (the single runs are in the table after it).
# `mean_q` averages the hundred tables entry by entry: `zip(*tables)` lines up the runs' rows of one
# state, and `zip(*rows)` the runs' values of one action. `greedy_path` (in `worlds/cliff.py`) follows
# the best action from the start until it reaches the goal or comes back to a cell it has seen.

# %%
def mean_q(results):
    """The action values averaged over the runs, state by state and action by action."""
    tables = [learned.q for learned in results]
    return [[statistics.mean(values) for values in zip(*rows)] for rows in zip(*tables)]


def edge_cells(path):
    """How many cells of a path run directly along the cliff (row 2, above the cliff itself)."""
    return sum(1 for s in path if s + COLS in CLIFF)


typical = {name: mean_q(results) for name, results in runs.items()}
paths = {name: greedy_path(q) for name, q in typical.items()}
titles = {name: f"{name}: {len(path) - 1} steps,\n{edge_cells(path)} along the edge"
          for name, path in paths.items()}
paths_figure([(titles[name], typical[name], paths[name]) for name in METHODS], name="l04-paths",
             alt=("The greedy routes on the cliff grid. Q-learning's runs right along the edge of "
                  "the cliff in 13 steps; SARSA's climbs to the top row and comes down at the far "
                  "end; Expected SARSA's keeps one row away from the edge."))

# %% [markdown]
# In each grid an arrow marks the greedy action of a cell, and the coloured line is where following the
# arrows from `S` leads. A route that stepped into the cliff would be back at `S`, a cell it has already
# visited, and `greedy_path` stops there: so a route that reaches `G` never fell on the way.
#
# Averaged values can hide how the single runs behave, so the table below asks the same questions of
# each run's own greedy path: does it reach the goal at all, how long is it, is it the 13-step edge, and
# how many of its cells lie along the cliff. A share of the runs comes with its 95% interval (Wilson's,
# which stays within 0% and 100%). (A median over no paths is shown as a dash.)

# %%
def path_summary(name, results):
    greedy = [greedy_path(learned.q) for learned in results]
    reached = [p for p in greedy if p[-1] == GOAL]
    if not reached:
        return [name, rate(0, RUNS).text(), "—", 0, "—"]
    lengths = [len(p) - 1 for p in reached]
    return [name, rate(len(reached), RUNS).text(), statistics.median(lengths),
            lengths.count(13), statistics.median(edge_cells(p) for p in reached)]


show_table(["method", "greedy path reaches the goal", "median length", "13-step paths",
            "median cells along the edge"],
           [path_summary(name, results) for name, results in runs.items()],
           caption=f"The greedy path of each of the {RUNS} runs after {EPISODES} episodes.")

# %% [markdown]
# And the claims, checked: the averaged Q-learning route is the 13-step edge, ten of whose cells lie
# along the cliff; nearly every single Q-learning run finds exactly that route; and SARSA's averaged
# route reaches the goal further from the cliff.

# %%
EDGE_ROUTE = [START, 24, *range(25, 36), GOAL]  # up one cell, along the edge, down into the goal
q_edge = rate(sum(greedy_path(learned.q) == EDGE_ROUTE for learned in runs["Q-learning"]), RUNS)
print(f"runs whose Q-learning greedy path is the 13-step edge: {q_edge.text()}")
assert len(paths["Q-learning"]) - 1 == 13, "Q-learning's route should be the shortest, 13 steps ..."
assert edge_cells(paths["Q-learning"]) == 10, "... along the edge of the cliff"
assert q_edge.low > 0.8, "nearly every Q-learning run should find the edge"
assert paths["SARSA"][-1] == GOAL, "SARSA's averaged values should lead to the goal ..."
assert edge_cells(paths["SARSA"]) < edge_cells(paths["Q-learning"]), "... further from the cliff"

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
#
# Expected SARSA learns SARSA's caution with less noise. Its target averages over the exploring actions
# instead of sampling one, so its values move less from one episode to the next; its route keeps one row
# from the edge rather than climbing to the top, and it collects the most reward online of the three.

# %%
falls = 10 * EPSILON / len(ARROWS)  # cells along the edge x chance of a random step down in each
print(f"falls per pass along the edge under ε-greedy: about {falls:.2f}, "
      "each costing 100 and a walk back")

# %% [markdown]
# That expected cost is paid on nearly every episode, because the edge is where Q-learning's greedy
# choices keep taking it. It is what holds Q-learning's online reward far below the $-13$ that its route
# is worth; SARSA pays a few extra steps on its detour instead, and comes out ahead while it explores.

# %% [markdown]
# ## Watching them learn
#
# One run of each method, the same seed for both. (Expected SARSA is left out of the animation: it would
# need a third grid, and it behaves as a steadier SARSA.) Top left: Q-learning's greedy arrows after the episode
# and the path it actually took, exploration included, with a cross where it fell (a dot marks a cell whose
# actions are all still valued equally); bottom left: SARSA's. Middle: the four action values of the
# marked cell above the cliff, one of the edge cells where the methods disagree. Right: reward per episode
# as a 10-episode mean, this run and the average over all runs (faint).
#
# The run is the first of the hundred, replayed with `keep=True`, which records each episode's path and
# the action values after it; the code checks that it is the same run, reward for reward (the
# recording changes what is kept, not a single random draw). `frames` picks
# the episodes the animation shows: each of the first ten, every tenth to 100, then every 25th, so that
# the early episodes, where most of the learning happens, get most of the frames.

# %%
CELL = 29  # row 2, column 5: directly above the cliff
shown = {}
for name in ("Q-learning", "SARSA"):
    learned = td_control(CliffWalking(), METHODS[name], EPISODES, ALPHA, EPSILON, GAMMA,
                         Rng(FIRST_SEED), keep=True)
    shown[name] = learned.episodes
    first_run = runs[name][0].episodes
    assert [e.reward for e in shown[name]] == [e.reward for e in first_run], "same seed, same run"
frames = [*range(1, 11), *range(20, 101, 10), *range(125, EPISODES + 1, 25)]
averaged = {name: moving_average(rewards[name], WINDOW) for name in shown}
animation = cliff_animation(
    shown, averaged, CELL, frames, WINDOW, name="l04-cliff",
    alt=("Two cliff grids, Q-learning above and SARSA below, with greedy arrows and each episode's "
         "path: early paths wander and fall, later ones settle, Q-learning's along the edge and "
         "SARSA's a row or more above it; the middle pane shows the four action values of a cell "
         "above the cliff, the right pane the reward per episode rising, SARSA's above "
         "Q-learning's."))

# %% [markdown]
# The right pane in numbers, every fiftieth episode; each episode number is a link to its frame.

# %%
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

# %% [markdown]
# The middle pane ends on the four action values of the marked cell. Here they are in numbers, for the
# animated run and averaged over all the runs, with the two claims the animation illustrates checked
# on the averages: Q-learning's best action there is "right", along the edge; SARSA values "up", away
# from the edge, above "right".

# %%
def action_values(values):
    return "  ".join(f"{ARROWS[a]} {v:7.1f}" for a, v in enumerate(values))


print("after the last episode, Q at the marked cell:")
for name, history in shown.items():
    print(f"  {name:10s}", action_values(history[-1].q[CELL]))
for name, q in typical.items():
    print(f"  {name}, averaged over the {RUNS} runs:", action_values(q[CELL]))
right, up = ARROWS.index("→"), ARROWS.index("↑")
q_cell, sarsa_cell = typical["Q-learning"][CELL], typical["SARSA"][CELL]
assert max(q_cell) == q_cell[right], "Q-learning should go along the edge"
assert sarsa_cell[up] > sarsa_cell[right], "SARSA should rather climb away from the edge"

# %% [markdown]
# In the marked cell, both methods value "down" far below the rest. For Q-learning it is exactly the fall,
# $-100$, plus the 13 steps of the best route from the start. SARSA's "down" is less negative only
# because SARSA rarely tries it there, so it has not converged. They part on the other actions:
# Q-learning values "right", along the edge, as the short way home, while SARSA, whose values count the
# falls its own exploration will cause, rates climbing away ("up") above going on along the edge
# ("right"); in the single run above it even rates turning back ("left") highest.
#
# ## The order of choosing and learning
#
# One routine serves all three methods, so Q-learning here chooses its next action before it updates,
# as SARSA must. Sutton & Barto's Q-learning updates first and chooses after. The two orders read the
# same values except where a step leads back to the state it left: then the update has just changed
# the values the choice reads. On the cliff that happens on every bump into the edge of the grid, and
# on every fall from the cliff next to the start, which puts the agent back at the start (36, into the
# cliff, back to 36). `td_control` can run in the book's order too (`update_first=True`), so the page
# measures the difference on the same seeds, run by run, and checks that it is small beside the gap
# between the methods that the page is about: less than a quarter of it, with three standard errors
# to spare.

# %%
in_book_order = [td_control(CliffWalking(), q_learning, EPISODES, ALPHA, EPSILON, GAMMA, Rng(seed),
                            update_first=True)
                 for seed in range(FIRST_SEED, FIRST_SEED + RUNS)]
order = paired(map(online, in_book_order), map(online, runs["Q-learning"]))
edge_too = rate(sum(greedy_path(learned.q) == EDGE_ROUTE for learned in in_book_order), RUNS)
book_order = estimate(map(online, in_book_order))
print(f"Q-learning in the book's order, online reward: {book_order.text(1)}")
print(f"  minus this page's order, run by run:         {order.text(1)}")
print(f"  runs whose greedy path is the edge: {edge_too.text()}")
assert abs(order.mean) + 3 * order.error < 0.25 * safer.mean, "the order should matter little"
assert edge_too.low > 0.8, "in either order, Q-learning should find the edge"

# %% [markdown]
# In the book's order Q-learning finds the same route, and its online reward differs from this page's
# order by less than one point per episode, within the noise (the printed difference and its standard
# error). The order is a detail of the implementation, not of the method.
#
# ## How this page differs from the book and the thesis
#
# | detail | Watkins 1989; Sutton & Barto, Example 6.6 | this page |
# |---|---|---|
# | the world | the thesis: tasks of its own; the book: the 4 x 12 cliff | the book's cliff, numbered as Gymnasium's |
# | $\varepsilon$, $\alpha$, $\gamma$ | 0.1, 0.5, 1 (the book) | the same |
# | Q-learning's next action | chosen after the update (the book) | chosen before: one routine for all three |
# | ties in the greedy choice | not said | broken at random |
# | the curves | averaged over runs, without error bars | 100 runs on shared seeds, with 95% bands |
# | the comparisons | read off the figure | paired differences, three standard errors |
#
# ## Try it
#
# The cell below is this page's experiment in small: one method, ten runs of 500 episodes, and the two
# things that tell the methods apart, the reward collected while learning and the route the learned
# values take. Change `target` to `sarsa` or `expected_sarsa`, or `epsilon` to 0.01 or 0.3, and run it
# again to see how the reward and the route move. On the site, the button under the cell runs it in your
# browser, in a second or two. It draws the reward per episode, averaged over the runs and smoothed,
# and the first run's greedy values on the grid, with the route they take from the start in orange.

# %% tags=["try"]
target = q_learning  # the method is its target: try sarsa or expected_sarsa
epsilon = EPSILON  # how often a random action: try 0.01 or 0.3
learned = [td_control(CliffWalking(), target, EPISODES, ALPHA, epsilon, GAMMA, Rng(seed))
           for seed in range(FIRST_SEED, FIRST_SEED + 10)]
reward = estimate(statistics.mean(e.reward for e in run.episodes[-100:]) for run in learned)
print(f"{target.__name__}, epsilon {epsilon}: online reward over the last 100 episodes, "
      f"{reward.text(1)}")
for k, run in enumerate(learned[:3]):
    route = greedy_path(run.q)
    along = sum(1 for s in route if s + COLS in CLIFF)
    print(f"run {k}: greedy route of {len(route) - 1} steps, {along} along the cliff's edge"
          + ("" if route[-1] == GOAL else ", and it never reaches the goal"))
by_episode = [statistics.mean(e.reward for e in ten) for ten in zip(*(r.episodes for r in learned))]
line_chart({target.__name__: moving_average(by_episode, 20)}, name="l04-try-reward",
           title=f"{target.__name__}: reward per episode, ε = {epsilon:g}",
           x_label="episode", y_label="reward",
           alt="The reward per episode while the method learns: the mean of 10 runs, smoothed.")
cliff_map(learned[0].q, name="l04-try-route", title=f"{target.__name__}, run 0: max Q and route",
          alt="The first run's greedy values and arrows on the cliff, and the route they take.")

# %% [markdown]
# As printed above, Q-learning's runs all take the 13-step route along the edge, and pay for it while they
# learn: every tenth step is a random one, and next to the cliff a random step down is a fall. Its online
# reward is the lowest of the three. Change the target to `sarsa` and the routes leave the edge, some of
# them for good (a run whose greedy route loops back never reaches the goal), while the reward collected
# on the way rises. Set `epsilon` to 0.01 and the two methods come closer in both.
#
# The two pictures show the same. The first is the reward per episode, the mean of the ten runs, each point
# the mean of the last 20 episodes, so that the noise of single falls does not hide the trend: every
# method climbs in the first hundred episodes from the long, falling walks of a learner that knows
# nothing, and then levels off at the reward its exploration costs it. The second is the first run's
# grid: in each cell the best action's value and its arrow, and, in orange, the route the greedy policy
# takes from the start. The values along the edge are the ones to watch. Q-learning's assume that the
# next move is the best one and barely see the cliff; SARSA's include the random step that now and then
# follows, so next to the cliff they are lower, and the arrows there point away from it. Each grid's
# colours are scaled to its own largest value in size, so compare the numbers, not the shades.
#
# ## Things to try
#
# The code above is short enough to change and run again (`policywerk run l04` takes well under a
# minute). Set `EPSILON` to 0.01 and see what becomes of the gap between the two methods, in reward and
# in route. Set `ALPHA` to 0.1
# and see whether SARSA's single runs still lose their way (the table of greedy paths). Or add a fourth
# method: any function of `(q, r, s_next, a_next, gamma, epsilon)` that returns a target will do, for
# example one that bootstraps from the *worst* action, and `td_control` will learn with it unchanged.
# Or set `GAMMA` to 0.9 and see whether discounting the far future changes which route is greedy.
# The page's main claims are `assert`s, so a change that overturns one stops the run and names the
# claim.
#
# ## What this lesson leaves out, and what comes next
#
# The step size stays fixed at 0.5 throughout, although the convergence proof asks for step sizes that
# shrink: with a fixed step the values keep moving from episode to episode, as the single SARSA runs
# showed. Averaging over runs stands in for that here.
#
# Everything is still a table: one number per state and action, learned only where the agent has been.
# With 48 states that is fine. With a screen of pixels as the state there are more states than the agent
# will ever visit twice. Lesson 05 replaces the table by a neural network, the same update by gradient
# descent, and finds that the `max` that makes Q-learning powerful also makes it unstable, until two
# ideas tame it.
