# %% [markdown]
# # Lesson 01 · Bellman 1957: value iteration
#
# Richard Bellman's *A Markovian Decision Process* (Journal of Mathematics and Mechanics 6(5), 1957) asks
# how to act well when every action has uncertain consequences, and answers with one equation. When the
# rules of the world are known, that equation can simply be applied over and over until it holds, and a
# plan falls out of it. Every later lesson in this series is a way of doing the same thing with less
# knowledge: without the model, without a table, without a human choosing the features.
#
# This page is generated from `src/policywerk/lessons/l01_bellman.py`. Each code block below is the real
# code, run in order when the site was built, and what it printed or drew stands right beneath it.

# %% tags=["setup"]
import math

from policywerk.agents.policy_iteration import evaluate_policy, evaluation_sweep, policy_iteration
from policywerk.agents.value_iteration import value_iteration
from policywerk.rl.bellman import bellman_optimality_residual, q_value
from policywerk.session import budget
from policywerk.show import show_hyperparameters, show_source, show_table
from policywerk.sketch import gridworld_map, line_chart
from policywerk.viz.bellman import convergence_figure, policy_grid_figure, value_iteration_animation
from policywerk.worlds.gridworld import ARROWS, GridWorld, Jump

GAMMA = 0.9
SLIP = 0.2
THETA = budget(full=1e-6, quick=1e-3)
show_hyperparameters([
    ("GAMMA", GAMMA, "discount: a reward one step later is worth 0.9 of a reward now"),
    ("SLIP", SLIP, "chance that a move goes sideways instead (half to each side)"),
    ("THETA", THETA, "stop when no value moves by more than this in a sweep"),
])

# %% [markdown]
# ## The world, and what "known model" means
#
# A **Markov decision process** is a set of states $\mathcal S$, a set of actions $\mathcal A$, and for
# every state and action a probability of each next state together with a reward:
# $P(s' \mid s, a)$ and $R(s, a, s')$. "Markov" means that these depend on the present state alone, not
# on how we got there.
#
# Our world is a 5x5 grid. The agent starts at `S` in the bottom-left corner. Entering the **goal** pays
# $+1$ and ends the episode; entering the **pit** costs $-1$ and ends it too; every other step pays $0$.
# The grey wall cannot be entered: bumping into it, or into the edge of the grid, leaves the agent where
# it was. And the floor is slippery: a move goes where it was meant to with probability $0.8$, and
# sideways with probability $0.1$ to each side. Nothing here is hidden from the algorithm: it can read
# every probability.

# %% tags=["setup"]
world = GridWorld(slip=SLIP)
print(world.to_text())

FOCUS = 18  # the cell just below the pit, at row 3, column 3
print("\nTaking 'down' in the cell below the pit can end in:")
for t in world.transitions(FOCUS, ARROWS.index("↓")):
    cell = divmod(t.next_state, world.cols)
    print(f"  cell {cell} with probability {t.probability:.1f}, reward {t.reward:+.0f}")

# %% [markdown]
# ## Values, and Bellman's equation
#
# The **value** $V(s)$ of a state is the reward we can expect to collect from it onward when acting as
# well as possible, with a reward $k$ steps away discounted by $\gamma^k$. Discounting makes the sum
# finite and makes the agent prefer reward sooner; here $\gamma = 0.9$.
#
# Bellman's observation is that the best value of a state is made of the best values of its neighbours.
# Acting well now means choosing the action whose immediate reward plus discounted value of where it
# leads is largest on average:
#
# $$
# V^*(s) = \max_a \sum_{s'} P(s' \mid s, a)\,\big[R(s, a, s') + \gamma\, V^*(s')\big].
# $$
#
# The quantity inside the max is the value of taking action $a$ in $s$, written $q(s, a)$. The equation
# has exactly one solution $V^*$, and it can be found by treating it as an assignment instead of an
# equation: start from $V_0 = 0$ and apply
#
# $$
# V_{k+1}(s) = \max_a \sum_{s'} P(s' \mid s, a)\,\big[R(s, a, s') + \gamma\, V_k(s')\big]
# $$
#
# to every state, sweep after sweep. Each sweep shrinks the distance to $V^*$ by at least a factor
# $\gamma$ (the update is a *contraction*), so the sweeps converge whatever the start. This is
# **value iteration**. We stop when the largest change in a sweep falls below $\theta$.
#
# In the library, the sum inside the max is `q_value`, term for term: for each possible next state,
# its probability times the reward of getting there plus the discounted value found there.

# %%
show_source(q_value, "The backup of one action, q(s, a): the sum inside the max.")

# %% [markdown]
# Value iteration, below, applies that backup to every state that has a future (a terminal state keeps
# its value of 0: its reward was paid on the way in), sweep after sweep. The line that sets `new[s]` is
# the assignment $V_{k+1}(s) = \max_a q(s, a)$, the largest of the actions' backups, which `q_values`
# lists one per action. `new` starts as a copy of the values, so a sweep reads only the sweep before
# it, and `delta`, the largest change a sweep made, decides when to stop. Every sweep is kept, with its
# greedy policy, for the pictures that follow.

# %%
show_source(value_iteration, "Value iteration: the backup over every state, sweep after sweep.")
sweeps = value_iteration(world, GAMMA, THETA)
final = sweeps[-1]
start = world.start

print(f"value iteration converged after {final.number} sweeps (theta = {THETA:g})")
print(f"V(start) = {final.values[start]:.4f}, V(below pit) = {final.values[FOCUS]:.4f}")

# %% [markdown]
# ## Watching the values ripple out
#
# Each sweep reads only the values of the sweep before, so news of the goal travels one cell per sweep:
# after sweep 1 only the goal's neighbours know it is there, after sweep 2 their neighbours, and so on.
# The arrows are the **greedy policy**: in each cell, the action with the largest $q(s, a)$ under the
# current values (a dot where all actions are still equally good). They settle long before the values
# stop moving.
#
# The middle pane follows one cell, the one just below the pit (outlined in orange), and shows its
# backup in full: the four $q$-values, and the sum behind the winning one.

# %%
animation = value_iteration_animation(
    world, sweeps, GAMMA, THETA, focus=FOCUS, name="l01-value-iteration",
    alt=("Value iteration on a 5x5 gridworld, one frame per sweep: values spread out from the "
         "goal and greedy arrows settle into routes that skirt the pit; the middle pane shows the "
         "Bellman backup of the cell below the pit, the right pane the largest value change per "
         "sweep falling on a log scale."))

shown = [s for s in sweeps[1:] if s.number <= 8 or s.number % 5 == 0 or s is final]
show_table(["sweep", "largest change", "V(start)", "V(below pit)"],
           [[s.number, f"{s.delta:.2e}", f"{s.values[start]:.4f}", f"{s.values[FOCUS]:.4f}"]
            for s in shown],
           caption="Value iteration, sweep by sweep: the largest change shrinks geometrically. "
                   "A sweep's number shows its frame in the animation.",
           frames=animation.frames_at([s.number for s in shown]))

# %%
changed = [s.number for s in sweeps[1:] if s.policy != final.policy]
settled = max(changed, default=0) + 1  # the first sweep from which the greedy policy never changes
print(f"the greedy policy is final from sweep {settled}; the values needed {final.number} sweeps")
assert settled <= 0.6 * final.number, "the policy should settle well before the values do"

# %% [markdown]
# Look at the cell below the pit. Going right would reach the cell beside the goal in one step, but a
# sideways slip on the way would drop the agent into the pit with probability $0.1$. Going down is a
# detour of two steps, and the slips of that move are harmless. With $\gamma = 0.9$ the detour wins, by
# a little: this is a decision under uncertainty, made by arithmetic.
#
# ## Did it converge to the right thing?
#
# The values satisfy Bellman's equation when applying the backup once more changes nothing. The
# *Bellman residual* $\max_s \lvert V(s) - \max_a q(s, a)\rvert$ measures how far from that we are. Since
# value iteration stopped when a sweep changed no value by more than $\theta$, one more sweep would
# change them by at most $\gamma\theta$: the residual must be below $\theta$. The lesson checks it.

# %%
residual = bellman_optimality_residual(world, final.values, GAMMA)
print(f"Bellman residual of the final values: {residual:.2e} (theta = {THETA:g})")
assert residual <= THETA, "the final values do not satisfy the Bellman optimality equation"

print("\nFinal values and greedy policy:")
print(world.to_text(final.values, final.policy))

# %% [markdown]
# ## Policy iteration: fewer, costlier steps
#
# Ronald Howard's **policy iteration** (1960) turns the loop around. Start from any policy $\pi$ (here:
# always go up). *Evaluate* it: find the values that solve
# $V^\pi(s) = \sum_{s'} P(s' \mid s, \pi(s))\,[R(s, \pi(s), s') + \gamma V^\pi(s')]$, which has no max in
# it (the library finds them by sweeping this equation, as value iteration sweeps its own, until no
# value moves by $\theta$, starting each round from the values of the round before). Then *improve* it
# by acting greedily on those values, $\pi'(s) = \arg\max_a q^\pi(s, a)$. Each improvement is strictly
# better somewhere or changes nothing, and there are only finitely many policies, so the loop must
# stop, at an optimal policy.

# %%
rounds = policy_iteration(world, GAMMA, THETA)
show_table(["round", "evaluation sweeps", "actions changed by improvement"],
           [[r.number, r.evaluation_sweeps, r.changed] for r in rounds],
           caption="Policy iteration: each round evaluates the current policy, then improves it.")

evaluation_sweeps = sum(r.evaluation_sweeps for r in rounds)
print(f"policy iteration: {len(rounds)} rounds, {evaluation_sweeps} evaluation sweeps in all")
print(f"value iteration:  {final.number} sweeps")

nonterminal = [s for s in world.states if not world.is_terminal(s)]
same = all(rounds[-1].policy[s] == final.policy[s] for s in nonterminal)
print(f"same policy from both methods: {same}")
assert same, "policy iteration and value iteration disagree on the optimal policy"
assert len(rounds) < final.number, "policy iteration should need fewer rounds than sweeps"

# %% [markdown]
# Policy iteration needs only a handful of rounds, but each round contains a full evaluation of many
# sweeps; value iteration takes many cheap sweeps. Both land on the same policy. Between them lies a whole
# family ("modified policy iteration") that evaluates only partly before improving; value iteration is the
# extreme that evaluates for one sweep.
#
# ## What the discount and the slip decide
#
# The optimal policy depends on the problem's numbers, not just its map. A small $\gamma$ makes the agent
# impatient: a reward two steps later is worth much less, so the short risky route past the pit looks
# better than the safe detour. A floor that does not slip makes the risk vanish altogether. Below, the
# same grid solved for three discounts and three slip probabilities.

# %%
settings = [(0.5, SLIP), (GAMMA, SLIP), (0.99, SLIP), (GAMMA, 0.0), (GAMMA, 0.4)]
worlds = {slip: GridWorld(slip=slip) for _, slip in settings}
solved = {(g, p): value_iteration(worlds[p], g, THETA) for g, p in settings}
finals = {key: sweeps[-1] for key, sweeps in solved.items()}

# the sweeps the contraction promises: the error shrinks by at least a factor γ per sweep
bound = {g: math.ceil(math.log(THETA) / math.log(g)) for g, _ in settings}
show_table(["γ", "slip", "sweeps", "V(start)", "action below the pit", "bound log θ / log γ"],
           [[f"{g:g}", f"{p:g}", last.number, f"{last.values[start]:.3f}",
             ARROWS[last.policy[FOCUS]], bound[g]] for (g, p), last in finals.items()],
           caption="The same grid under different discounts and slips.")

# %% [markdown]
# Read the column of actions below the pit. At $\gamma = 0.5$ a reward two steps later is worth a
# quarter of one now, so the detour's two extra steps cost more than the risk of the pit, and the agent
# goes right. At $\gamma = 0.9$ and $0.99$ the detour wins. With no slip there is no risk to avoid: the
# short route is best, and the start is worth exactly $\gamma^5 \approx 0.59$, since the goal is six
# moves away and its reward, paid on the sixth, is discounted five times. With slip $0.4$ a move goes
# astray two times in five; the detour stays, and the start is worth less than on a floor that slips
# $0.2$. Three of these policies, side by side:

# %%
policy_grid_figure(
    [(f"γ = {g:g}, slip = {p:g}", worlds[p], finals[g, p].values, finals[g, p].policy)
     for g, p in [(0.5, SLIP), (GAMMA, SLIP), (GAMMA, 0.0)]],
    name="l01-discount-and-slip",
    alt=("Three optimal policies side by side. With γ = 0.5 and slip 0.2 the cell below the pit "
         "goes right, past the pit; with γ = 0.9 it detours down; with no slip it goes straight "
         "right again."))

below_pit = {key: ARROWS[last.policy[FOCUS]] for key, last in finals.items()}
assert below_pit[0.5, SLIP] == "→", "an impatient agent should take the short route past the pit"
assert below_pit[GAMMA, SLIP] == "↓", "a patient agent on a slippery floor should take the detour"
assert below_pit[GAMMA, 0.0] == "→", "without slip there is no risk, so the short route is best"

# %% [markdown]
# To try a setting of your own, change `gamma` or `slip` in the cell below and run it again (on the
# site, with the button under it, in your browser). It solves the grid and draws two pictures:
# every cell's value with its greedy action, and the largest change of a value in each sweep, on a log
# scale, where the contraction's straight line shows. The pictures come from `policywerk.sketch`, which
# writes SVG with nothing but the standard library, so the browser draws them exactly as the build did.
# In the grid, the deeper the blue, the higher the value; the goal and the pit are named instead, since
# an episode ends there and nothing more is to come. The grey cells are the wall.

# %% tags=["try"]
gamma, slip = GAMMA, SLIP  # try a discount of 0.5 or 0.99, a slip of 0 or 0.4
world = GridWorld(slip=slip)
sweeps = value_iteration(world, gamma, THETA)
last = sweeps[-1]
print(f"γ = {gamma:g}, slip = {slip:g}: {last.number} sweeps, "
      f"V(start) = {last.values[world.start]:.3f}, below the pit {ARROWS[last.policy[FOCUS]]}")
setting = f"γ = {gamma:g}, slip = {slip:g}"
gridworld_map(world, last.values, last.policy, name="l01-try-values",
              title=f"V* and its greedy policy, {setting}",
              alt=f"The grid's optimal values and greedy arrows for {setting}.")
line_chart({"largest change": [s.delta for s in sweeps[1:]]}, log_y=True, name="l01-try-sweeps",
           title=f"Largest change per sweep, {setting}", x_label="sweep", y_label="largest change",
           alt=f"The largest change of a value in each sweep, on a log scale, for {setting}.")

# %% [markdown]
# The number of sweeps tells the other half of the story. The contraction argument promises that the
# error shrinks by at least a factor $\gamma$ per sweep, so about $\log\theta / \log\gamma$ sweeps
# suffice (the last column of the table above). This small world does better than the promise,
# because every sensible route ends at the goal or the pit within a few steps, and a value cannot keep
# changing once its future has ended. Without slip this is plain to see: no cell is more than seven
# moves from the goal, so seven sweeps make every value exact, and the eighth, which changes nothing,
# stops the loop. A floor that slips more lets a route wander longer before it ends, and takes more
# sweeps. The ordering by discount survives all the same: the more far-sighted the agent, the more
# sweeps its problem takes.

# %%
gammas = [0.5, GAMMA, 0.99]
convergence_figure(
    {f"γ = {g:g}": [s.delta for s in solved[g, SLIP][1:]] for g in gammas},
    THETA, name="l01-convergence",
    alt=("Largest value change per sweep on a log scale for γ = 0.5, 0.9 and 0.99: three roughly "
         "straight lines whose slopes are the logarithms of γ, the steepest for γ = 0.5."))
sweeps_needed = [finals[g, SLIP].number for g in gammas]
assert sweeps_needed == sorted(sweeps_needed), "a larger discount should need more sweeps"
within = all(last.number <= bound[g] + 1 for (g, p), last in finals.items())
assert within, "slower than the bound"

# %% [markdown]
# ## The textbook's numbers
#
# Sutton & Barto's *Reinforcement Learning: An Introduction* (2nd edition, 2018) prints the values of
# two small gridworlds, in three figures, to one decimal. The same two functions as above, `value_iteration` and policy
# evaluation, reproduce them, once the grid can say two things ours has not needed so far: what a bump
# into the edge pays, and that a cell can throw the agent elsewhere. Every number on this page is exact
# arithmetic on a known model, with no seed and nothing averaged, so it carries no uncertainty beyond
# the stopping tolerance; the checks below hold each value to within half of the book's last printed
# digit.
#
# **Example 4.1** is a 4 x 4 square whose two opposite corners end the episode. Every step costs 1,
# including a bump into the edge, and there is no discount. The policy picks each of the four moves
# with probability 1/4, and *iterative policy evaluation* computes its values: the sweep of value
# iteration with the max replaced by the policy's average,
# $V_{k+1}(s) = \sum_a \pi(a \mid s)\, q_k(s, a)$. Figure 4.1 of the book shows $V_k$ after 1, 2, 3 and
# 10 sweeps and in the limit. `evaluation_sweep` is one such sweep; `evaluate_policy` repeats it until
# nothing moves by more than its tolerance. The ends are written `G` here, as goals that pay the same
# $-1$ as any step.

# %%
BOOK_4_1 = {  # Figure 4.1, left column: V_k of the random policy, row by row
    1: "0 -1 -1 -1  -1 -1 -1 -1  -1 -1 -1 -1  -1 -1 -1 0",
    2: "0 -1.7 -2 -2  -1.7 -2 -2 -2  -2 -2 -2 -1.7  -2 -2 -1.7 0",
    3: "0 -2.4 -2.9 -3  -2.4 -2.9 -3 -2.9  -2.9 -3 -2.9 -2.4  -3 -2.9 -2.4 0",
    10: "0 -6.1 -8.4 -9  -6.1 -7.7 -8.4 -8.4  -8.4 -8.4 -7.7 -6.1  -9 -8.4 -6.1 0",
    "∞": "0 -14 -20 -22  -14 -18 -20 -20  -20 -20 -18 -14  -22 -20 -14 0",
}


def as_printed(world, values, digits=1):
    """The values row by row, as the book prints them."""
    return "\n".join("  ".join(f"{values[row * world.cols + col]:5.{digits}f}"
                               for col in range(world.cols)) for row in range(world.rows))


def book_gap(values, book):
    """The largest distance from the book's printed numbers."""
    return max(abs(v - float(b)) for v, b in zip(values, book.split()))


# %% [markdown]
# The book's grids are typed in above as it prints them, row after row, the rows set apart by two
# spaces. `as_printed` lays out our values the same way, and `book_gap` is the check: the largest
# distance between one of our values and the book's number for the same cell. A value printed to one
# decimal stands for anything within 0.05 of it, so a gap of at most 0.05 means that the book, given
# our number, would have printed what it did. The loop below runs the sweeps one at a time and keeps
# each, so that the first ten can be compared with the book's; the limit comes from `evaluate_policy`,
# which sweeps until no value moves by more than $10^{-9}$.

# %%
square = GridWorld(layout=("G...", "....", "....", "...G"), goal_reward=-1.0, step_reward=-1.0)
at_random = [[0.25] * 4 for _ in range(square.n_states)]
values, ours = [0.0] * square.n_states, {}
for k in range(1, 11):
    values = evaluation_sweep(square, at_random, values, gamma=1.0)
    ours[k] = values
ours["∞"], sweeps_4_1 = evaluate_policy(square, at_random, gamma=1.0, theta=1e-9)
for k in BOOK_4_1:
    print(f"V_k, k = {k}:" if k != "∞" else f"the limit ({sweeps_4_1} sweeps):")
    print(as_printed(square, ours[k], digits=0 if k == "∞" else 1))
    assert book_gap(ours[k], BOOK_4_1[k]) <= 0.05 + 1e-9, f"Figure 4.1, k = {k}, disagrees"

# %% [markdown]
# All five grids agree with the book, and the limit, $-14, -20, -22$ along the top row, agrees with the
# exact values to about eight decimals. After two sweeps, the cells next to an end are worth exactly
# $-1.75$ (one move in four ends the episode at once), which the book prints as $-1.7$ and Python,
# rounding a half to even, as $-1.8$: the same number.
#
# **Example 3.5** has no end at all. On a 5 x 5 grid, a move off the edge leaves the agent where it was
# and pays $-1$; every other move pays 0, except in two special cells: from A (top row, second column)
# every action takes the agent to A' (bottom row, second column) and pays $+10$, and from B (top row,
# fourth column) every action leads to B' (middle row, fourth column) and pays $+5$. A `Jump` says this
# to the grid, and `bump_reward` the cost of the edge. With $\gamma = 0.9$, Figure 3.2 shows the values
# of the random policy, and Figure 3.5 the optimal values $V^*$. In the code, `state_at` turns a row
# and a column into the state's number, and `four_ways` gives every state its own list of the four
# actions' probabilities, a quarter each, as `at_random` did for the square.

# %%
BOOK_3_2 = ("3.3 8.8 4.4 5.3 1.5  1.5 3.0 2.3 1.9 0.5  0.1 0.7 0.7 0.4 -0.4  "
            "-1.0 -0.4 -0.4 -0.6 -1.2  -1.9 -1.3 -1.2 -1.4 -2.0")
BOOK_3_5 = ("22.0 24.4 22.0 19.4 17.5  19.8 22.0 19.8 17.8 16.0  17.8 19.8 17.8 16.0 14.4  "
            "16.0 17.8 16.0 14.4 13.0  14.4 16.0 14.4 13.0 11.7")


def state_at(row, col, cols=5):
    return row * cols + col


A, A_, B, B_ = state_at(0, 1), state_at(4, 1), state_at(0, 3), state_at(2, 3)
springs = GridWorld(layout=(".....",) * 5, bump_reward=-1.0,
                    jumps=(Jump(A, A_, 10.0), Jump(B, B_, 5.0)))
four_ways = [[0.25] * 4 for _ in range(springs.n_states)]
random_values, _ = evaluate_policy(springs, four_ways, gamma=0.9, theta=1e-9)
optimal = value_iteration(springs, 0.9, 1e-9)[-1]
print("Figure 3.2, the random policy:\n" + as_printed(springs, random_values))
print("\nFigure 3.5, the optimal values:\n" + as_printed(springs, optimal.values))
print(f"\nV*(A) = {optimal.values[A]:.4f}; 10 / (1 - 0.9^5) = {10 / (1 - 0.9 ** 5):.4f}")
assert book_gap(random_values, BOOK_3_2) <= 0.05 + 1e-9, "Figure 3.2 disagrees"
assert book_gap(optimal.values, BOOK_3_5) <= 0.05 + 1e-9, "Figure 3.5 disagrees"

# %% [markdown]
# Both figures agree to their last digit. Under the random policy A is the best cell to stand in, yet
# worth less than its $+10$, because the jump lands the agent in A', close to an edge that costs $-1$
# at random; B is worth more than its $+5$, because B' sits in the open. The optimal values explain
# themselves: from A, take the $+10$, walk the four cells from A' back up to A, and jump again, so
# $V^*(A) = 10 + \gamma^5 V^*(A)$, which the last line checks. B's loop is shorter, three moves for
# $+5$, but worth less: $5 / (1 - \gamma^3) \approx 18.5$ against the $19.4$ of B, whose best way on
# from B' leads to A's loop instead.

# %% [markdown]
# ## What this lesson leaves out
#
# Everything here rested on knowing $P$ and $R$ exactly and on being able to visit every state in every
# sweep. Real problems grant neither. The next lessons remove those assumptions one at a time: an agent
# that must learn from its own failures with no model at all (lesson 02), predictions learned from
# experience (lesson 03), and control learned from samples (lesson 04). The backup stays the same; only
# where its numbers come from changes.
