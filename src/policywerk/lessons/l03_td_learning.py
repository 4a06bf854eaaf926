# %% [markdown]
# # Lesson 03 · Sutton 1988: learning to predict by temporal differences
#
# Richard Sutton's *Learning to Predict by the Methods of Temporal Differences* (Machine Learning 3(1),
# 9-44, 1988) isolates the critic of lesson 02 and asks a plain question: when a prediction is learned
# from experience, what should it be moved toward? The obvious answer is the outcome that eventually
# happened. Sutton's answer is the *next prediction*: estimates should teach estimates. He showed on a
# tiny problem that this learns faster, and explained why.
#
# This page reproduces his random-walk experiments and the two classic figures that Sutton & Barto's
# textbook (2nd edition, Examples 6.2 and 6.3) draws from the same world, so that it can be read next to
# both. It is generated from `src/policywerk/lessons/l03_td_learning.py`; the code below ran when the site
# was built, and what it printed and drew stands beneath it.

# %%
import math
import statistics

from policywerk.agents.td_prediction import (
    batch_iterate,
    batch_mc,
    batch_td0,
    constant_alpha_mc,
    lambda_returns,
    td0,
    td_lambda_fixed_point,
    td_lambda_increments,
)
from policywerk.math.linear import solve
from policywerk.math.random import Rng
from policywerk.session import budget, seeds
from policywerk.show import show_hyperparameters, show_table
from policywerk.viz.random_walk import curves_figure, walk_animation
from policywerk.viz.style import BLUE, GREEN, ORANGE, PURPLE, SKY, VERMILION
from policywerk.worlds.random_walk import RandomWalk

RUNS = 100
BATCH_RUNS = budget(full=100, quick=10)
EPISODES = 100
TD_ALPHAS = (0.05, 0.1, 0.15)
MC_ALPHAS = (0.01, 0.02, 0.03, 0.04)
SETS = budget(full=100, quick=10)
SEQUENCES = 10
LAMBDAS = (0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0)
FIRST_SEED = seeds(0)
show_hyperparameters([
    ("RUNS", RUNS, "independent runs averaged in the textbook's first experiment (the same in both settings)"),
    ("BATCH_RUNS", BATCH_RUNS, "... and in its batch experiment"),
    ("EPISODES", EPISODES, "episodes (walks) per run"),
    ("TD_ALPHAS", TD_ALPHAS, "the textbook's step sizes for TD(0) ..."),
    ("MC_ALPHAS", MC_ALPHAS, "... and for constant-alpha Monte Carlo"),
    ("SETS", SETS, "Sutton's 100 training sets ..."),
    ("SEQUENCES", SEQUENCES, "... of 10 sequences each"),
    ("LAMBDAS", LAMBDAS, "the lambdas of Sutton's first experiment"),
    ("FIRST_SEED", FIRST_SEED, "run k of an experiment draws its walks with seed FIRST_SEED + k"),
])

walk = RandomWalk()
TRUE = walk.true_values()


def start_values():
    """Every non-terminal estimate starts at 0.5; the two ends are terminal and stay 0."""
    return [0.0] + [0.5] * walk.n + [0.0]


def rms(values):
    """Root-mean-square error over the five states against the true values."""
    return math.sqrt(sum((values[s] - t) ** 2 for s, t in zip(walk.states, TRUE)) / walk.n)


# %% [markdown]
# ## The world: a random walk with a known answer
#
# Five states A to E sit in a row between two ends. Every walk starts in the middle, at C, and steps left
# or right with equal probability until it falls off an end. Falling off the right end pays $1$; falling
# off the left pays $0$; no other step pays anything, and there is no discount. So the value of a state,
# the reward to be expected from it, is simply the probability of leaving on the right.
#
# Those values can be worked out by hand. From any state, half the time we move left and half the time
# right, so each value is the average of its neighbours': $V(s) = \tfrac12 V(s-1) + \tfrac12 V(s+1)$, with
# $V(\text{left end}) = 0$ and the right end counted as worth the $1$ paid on reaching it. (In the code
# the two ends are terminal states of value 0 and the 1 is a reward on the last step: the same equations.)
# A sequence whose every term is the average of
# its neighbours is a straight line, so from $0$ to $1$ over six steps the values are
# $V(A) = \tfrac16, V(B) = \tfrac26, \dots, V(E) = \tfrac56$. Solving the five equations by machine
# agrees:

# %%
# V(s) - V(s-1)/2 - V(s+1)/2 = (reward of stepping right off E)/2, for s = A..E
equations = [[1.0 if j == i else -0.5 if abs(j - i) == 1 else 0.0 for j in range(walk.n)] for i in range(walk.n)]
solved = solve(equations, [0.0] * (walk.n - 1) + [0.5])
for s, v, t in zip(walk.states, solved, TRUE):
    print(f"V({walk.name(s)}) = {v:.4f}   (k/6 = {t:.4f})")
assert max(abs(v - t) for v, t in zip(solved, TRUE)) < 1e-12

rng = Rng(1)
example = walk.episode(rng)
print("\nan episode:", " ".join(walk.name(s) for s, _, _ in example))
print(f"  ... then off the {walk.name(example[-1][2]).lower()} end, reward {example[-1][1]:g}")

# %% [markdown]
# The learner is not told any of this. It sees walks like the one above, one at a time, and must estimate
# the five values from them. (Sutton's paper names the same five states B to F, between terminals A and G.)
#
# ## Two ways to learn a prediction
#
# **Monte Carlo** waits until the walk ends, then moves the estimate of every state it visited toward the
# return $G_t$ that actually followed (here: the final reward, $0$ or $1$), once for every visit
# (*every-visit* Monte Carlo):
#
# $$ V(S_t) \leftarrow V(S_t) + \alpha\,\big[G_t - V(S_t)\big]. $$
#
# **Temporal-difference learning**, TD(0), does not wait. After every step it moves the estimate of the
# state it just left toward the reward plus the estimate of the state it arrived in:
#
# $$ V(S_t) \leftarrow V(S_t) + \alpha\,\big[R_{t+1} + V(S_{t+1}) - V(S_t)\big]. $$
#
# The bracket is the **TD error** $\delta_t$, the critic's internal reinforcement of lesson 02. The target
# $R_{t+1} + V(S_{t+1})$ is itself an estimate: TD learning *bootstraps*. That looks like a weakness (the
# target may be wrong) and turns out to be a strength, because the next state's estimate summarises many
# past walks through it, while the return of a single walk is one noisy sample.
#
# Here is one episode of each, from the same starting estimates of 0.5:

# %%
td_values, mc_values = start_values(), start_values()
errors = td0(td_values, example, alpha=0.1)
constant_alpha_mc(mc_values, example, alpha=0.1)
print(f"TD errors along the {len(errors)}-step walk, ten to a line:")
for k in range(0, len(errors), 10):
    print("  " + " ".join(f"{d:+.2f}" for d in errors[k:k + 10]))
visits = {walk.name(s): sum(1 for t, _, _ in example if t == s) for s in walk.states}
print("visits per state:", ", ".join(f"{name} {count}" for name, count in visits.items()))
show_table(["state", "before", "TD(0) after", "Monte Carlo after"],
           [[walk.name(s), 0.5, f"{td_values[s]:.3f}", f"{mc_values[s]:.3f}"] for s in walk.states],
           caption="One episode, α = 0.1: TD(0) changes only the state where the reward arrived; "
                   "Monte Carlo moves every visited state toward the final reward.")

# %% [markdown]
# After one walk TD(0) has changed almost nothing: every step but the last predicted 0.5 and found 0.5
# waiting, so its error was zero. Monte Carlo has moved every state the walk passed through, and the
# states visited several times several times over. TD's
# information has to travel back one state per visit; Monte Carlo's arrives at once, but from a single
# sample.
#
# ## Which learns faster? (Sutton & Barto, Example 6.2)
#
# The protocol: start all estimates at 0.5, present 100 walks one at a time, updating after each (TD after
# every step), and after every walk measure the root-mean-square error of the five estimates against the
# true values. Average over 100 independent runs. Do this for TD(0) with
# $\alpha \in \{0.05, 0.1, 0.15\}$ and for Monte Carlo with $\alpha \in \{0.01, 0.02, 0.03, 0.04\}$.

# %%
def learning_curve(update, alpha, seed):
    """RMS error after 0..EPISODES episodes of one run, and the values after each."""
    rng, values = Rng(seed), start_values()
    curve, history, walks, deltas = [rms(values)], [values[:]], [], []
    for _ in range(EPISODES):
        episode = walk.episode(rng)
        deltas.append(update(values, episode, alpha))
        walks.append(episode)
        curve.append(rms(values))
        history.append(values[:])
    return curve, history, walks, deltas


def average_curve(update, alpha):
    curves = [learning_curve(update, alpha, seed)[0] for seed in range(FIRST_SEED, FIRST_SEED + RUNS)]
    return [statistics.mean(column) for column in zip(*curves)]


averages = {f"TD(0) α={a:g}": average_curve(td0, a) for a in TD_ALPHAS}
averages |= {f"MC α={a:g}": average_curve(constant_alpha_mc, a) for a in MC_ALPHAS}
marks = [0, 1, 10, 25, 50, 100]
show_table(["method", *(f"after {k}" for k in marks)],
           [[label, *(f"{curve[k]:.3f}" for k in marks)] for label, curve in averages.items()],
           caption=f"RMS error over the five states, averaged over {RUNS} runs.")

best_td = min((c[EPISODES], label) for label, c in averages.items() if label.startswith("TD"))
best_mc = min((c[EPISODES], label) for label, c in averages.items() if label.startswith("MC"))
print(f"after {EPISODES} episodes, the lowest errors: {best_td[1]} at {best_td[0]:.3f}, "
      f"{best_mc[1]} at {best_mc[0]:.3f}")
assert best_td[0] < best_mc[0], "TD(0) at its best step size should beat Monte Carlo at its best"
td_labels = [label for label in averages if label.startswith("TD")]
assert max(averages[label][EPISODES] for label in td_labels) < min(
    c[EPISODES] for label, c in averages.items() if label.startswith("MC")), "every TD(0) should end below every MC"
early = sorted(td_labels, key=lambda label: averages[label][10])  # who is lowest after 10 walks ...
late = sorted(td_labels, key=lambda label: averages[label][EPISODES])  # ... and after all of them
assert early == td_labels[::-1] and late == td_labels, "a larger step should fall faster but end higher"

styles = {label: {"color": colour} for label, colour in zip(td_labels, (BLUE, SKY, GREEN))}
styles |= {label: {"color": colour, "ls": "--"}
           for label, colour in zip([label for label in averages if label.startswith("MC")],
                                    (VERMILION, ORANGE, PURPLE, "#6e7781"))}
curves_figure(averages, f"Random walk: RMS error, averaged over {RUNS} runs", "walks (episodes)",
              name="l03-td-vs-mc", ylim=(0, 0.25), styles=styles,
              alt=(f"RMS error against episodes for TD(0) (solid) and Monte Carlo (dashed) at several step sizes. "
                   f"The TD curves fall fastest and lowest, to about {best_td[0]:.2f} after {EPISODES} walks; "
                   f"the best Monte Carlo curve ends near {best_mc[0]:.2f}."))

# %% [markdown]
# After 100 walks every TD(0) curve is below every Monte Carlo curve. Among the TD curves, a larger
# $\alpha$ falls fastest and then settles higher, because a large step keeps chasing the noise of the
# latest walks; a smaller step is slower but ends lower. The two larger steps even dip and then rise
# again a little, a subtle effect that Sutton & Barto's Exercise 6.5 asks about. Monte Carlo shows the
# same trade-off further up, except that its smallest step is still falling after 100 walks.
#
# ## Watching it happen
#
# Below, one run of each method at the step size with the lowest error after 100 walks, both on the same
# walks. Left: the five estimates (bars) against the true values (black), after each of the first 20
# walks and then every fifth. Middle: TD(0)'s errors along that walk, step by step (grey above zero,
# red-orange below), and, as an illustration of the next section, the eligibility traces a TD($\lambda$)
# learner with $\lambda = 0.8$ would keep along the same walk. Right: this run's error against the 100-run
# average.

# %%
td_label, mc_label = best_td[1], best_mc[1]
td_alpha, mc_alpha = float(td_label.split("=")[1]), float(mc_label.split("=")[1])
SEED = FIRST_SEED + 7  # one of the averaged runs
td_curve, td_history, td_walks, td_errors = learning_curve(td0, td_alpha, SEED)
mc_curve, mc_history, mc_walks, _ = learning_curve(constant_alpha_mc, mc_alpha, SEED)
assert td_walks == mc_walks, "both learners see the same walks"
frames = [*range(0, 21), *range(25, EPISODES + 1, 5)]
animation = walk_animation(
    walk, td_walks, list(zip(td_history, mc_history)), td_errors,
    {td_label: averages[td_label], mc_label: averages[mc_label]},
    {td_label: td_curve, mc_label: mc_curve}, lam=0.8, frames=frames, name="l03-random-walk",
    alt=(f"Value estimates of {td_label} and {mc_label} on the same 100 walks, bars moving from "
         "0.5 toward the true values 1/6 to 5/6; the middle pane shows each walk's TD errors and "
         "eligibility traces, the right pane both errors falling, TD's faster."))
print(f"seed {SEED}: RMS after {EPISODES} walks, TD(0) {td_curve[-1]:.3f}, Monte Carlo {mc_curve[-1]:.3f}")
tenths = range(0, EPISODES + 1, EPISODES // 10)
show_table(["walks", f"{td_label}, seed {SEED}", f"{td_label}, average", f"{mc_label}, seed {SEED}",
            f"{mc_label}, average"],
           [[k, f"{td_curve[k]:.3f}", f"{averages[td_label][k]:.3f}", f"{mc_curve[k]:.3f}",
             f"{averages[mc_label][k]:.3f}"] for k in tenths],
           caption=f"The animation's right pane in numbers: RMS error, this run and the average "
                   f"over {RUNS} runs. A number of walks shows its frame in the animation.",
           frames=animation.frames_at(tenths))

# %% [markdown]
# ## TD($\lambda$): between one step and the whole walk
#
# TD(0) looks one step ahead; Monte Carlo looks all the way to the end. Sutton's TD($\lambda$) spans the
# range with one number. Each state keeps an **eligibility trace**, bumped by 1 when the state is visited
# and decaying by $\lambda$ every step after; each TD error then updates every state in proportion to its
# trace:
#
# $$
# e_t(s) = \lambda\,e_{t-1}(s) + \mathbb 1[S_t = s], \qquad
# V(s) \leftarrow V(s) + \alpha\,\delta_t\,e_t(s) \text{ for all } s .
# $$
#
# With $\lambda = 0$ only the state just left is updated (TD(0)); with $\lambda = 1$ every visited state
# keeps full credit and, with the estimates held fixed during the walk (as in all the experiments below),
# the updates summed over the walk equal every-visit Monte Carlo's summed increments. This is the
# **backward view**: errors are sent back to the states that led to them.
#
# The **forward view** says what is being learned (it was spelled out after the 1988 paper). The
# $n$-step return looks $n$ rewards ahead and then bootstraps, $G^{(n)}_t = R_{t+1} + \dots + R_{t+n} +
# V(S_{t+n})$, or is the full return if the walk ends sooner; the $\lambda$-return blends all of them
# with weights $(1-\lambda)\lambda^{n-1}$, the full return taking the weight left over:
#
# $$ G^\lambda_t = (1 - \lambda) \sum_{n \ge 1} \lambda^{n-1} G^{(n)}_t . $$
#
# When the estimates are held fixed during a walk, as in Sutton's paper, the traces' updates summed over
# the walk equal exactly the updates toward the $\lambda$-returns: for each state $s$,
# $\sum_{t:\,S_t = s} [G^\lambda_t - V(S_t)]$. The code checks it on a walk:

# %%
long_walk = max((walk.episode(rng) for _ in range(50)), key=len)
fixed = [0.0, 0.3, 0.45, 0.5, 0.6, 0.9, 0.0]  # any estimates, held fixed during the walk
for lam in (0.0, 0.5, 0.9, 1.0):
    backward = td_lambda_increments(fixed, long_walk, lam)
    forward = [0.0] * len(fixed)
    for (s, _, _), g in zip(long_walk, lambda_returns(fixed, long_walk, lam)):
        forward[s] += g - fixed[s]
    gap = max(abs(b - f) for b, f in zip(backward, forward))
    print(f"λ = {lam:g}: largest difference between the two views over a {len(long_walk)}-step walk: {gap:.1e}")
    assert gap < 1e-12

# %% [markdown]
# ## Batch updating: what each method converges to (Sutton & Barto, Example 6.3)
#
# Give both methods a fixed, growing set of walks, and after each new walk present the whole set again and
# again, summing the updates over the set and applying them together, until nothing changes. With the
# noise of presentation order gone, each method settles on one answer. Which answers?
#
# - **Batch Monte Carlo** settles where the summed error $\sum (G - V(s))$ over the visits to each state is
#   zero: each estimate becomes the **average return** seen from that state.
# - **Batch TD(0)** settles where $\sum (r + V(s') - V(s))$ is zero for every state: each estimate equals
#   the average of reward plus next estimate over the transitions seen. Those are exactly the Bellman
#   equations (lesson 01) of the Markov model whose probabilities are the observed frequencies. Batch TD
#   computes the values of the **maximum-likelihood model** of the world, the *certainty-equivalence*
#   estimate, without ever building the model.
#
# The first limit is an average and the second the solution of a small linear system, so we compute them
# directly, and first check on one set of walks that repeating the presentations really ends there (for
# an intermediate $\lambda$ too, which Sutton's first experiment below needs):

# %%
rng = Rng(63)
walks = [walk.episode(rng) for _ in range(10)]
slow_td, presentations = batch_iterate(walks, start_values(), alpha=0.01, lam=0.0)
slow_mc, _ = batch_iterate(walks, start_values(), alpha=0.01, lam=1.0)
right_ends = sum(1 for episode in walks if episode[-1][1] == 1.0)
print(f"repeated presentation converged after {presentations} presentations of the 10 walks "
      f"({right_ends} of which ended on the right, so both estimates sit high)")
print("batch TD(0), repeated: ", " ".join(f"{slow_td[s]:.4f}" for s in walk.states))
print("batch TD(0), solved:   ", " ".join(f"{batch_td0(walks, start_values())[s]:.4f}" for s in walk.states))
print("batch MC, repeated:    ", " ".join(f"{slow_mc[s]:.4f}" for s in walk.states))
print("batch MC, averaged:    ", " ".join(f"{batch_mc(walks, start_values())[s]:.4f}" for s in walk.states))
assert max(abs(a - b) for a, b in zip(slow_td, batch_td0(walks, start_values()))) < 1e-6
assert max(abs(a - b) for a, b in zip(slow_mc, batch_mc(walks, start_values()))) < 1e-6
slow_half, _ = batch_iterate(walks, start_values(), alpha=0.01, lam=0.5)
gap = max(abs(a - b) for a, b in zip(slow_half, td_lambda_fixed_point(walks, 0.5, start_values())))
print(f"TD(λ = 0.5), repeated against solved: largest difference {gap:.1e}")
assert gap < 1e-6

batch = {"batch TD(0)": [0.0] * (EPISODES + 1), "batch MC": [0.0] * (EPISODES + 1)}
for seed in range(FIRST_SEED, FIRST_SEED + BATCH_RUNS):
    rng, seen = Rng(10_000 + seed), []
    batch["batch TD(0)"][0] += rms(start_values()) / BATCH_RUNS
    batch["batch MC"][0] += rms(start_values()) / BATCH_RUNS
    for k in range(1, EPISODES + 1):
        seen.append(walk.episode(rng))
        batch["batch TD(0)"][k] += rms(batch_td0(seen, start_values())) / BATCH_RUNS
        batch["batch MC"][k] += rms(batch_mc(seen, start_values())) / BATCH_RUNS

show_table(["method", *(f"after {k}" for k in marks[1:])],
           [[label, *(f"{curve[k]:.3f}" for k in marks[1:])] for label, curve in batch.items()],
           caption=f"Batch updating: RMS error on growing sets of walks, averaged over {BATCH_RUNS} runs.")
curves_figure(batch, f"Batch updating, averaged over {BATCH_RUNS} runs", "walks seen", name="l03-batch",
              ylim=(0, 0.45), alt=(f"RMS error of batch TD(0) and batch Monte Carlo against the number of walks "
                                   f"seen: equal after one walk, then batch TD below batch Monte Carlo, ending at "
                                   f"{batch['batch TD(0)'][-1]:.3f} against {batch['batch MC'][-1]:.3f}."))
assert batch["batch TD(0)"][EPISODES] < batch["batch MC"][EPISODES], "batch TD should beat batch MC"

# %% [markdown]
# After a single walk both methods jump: every state that walk visited is estimated at 0 or 1, whichever
# end it reached, so the error first rises. From the second walk on, batch TD stays below batch MC.
#
# Batch Monte Carlo minimises the error on the walks it has seen; batch TD finds the values of the most
# likely world that produced them. For predicting walks yet to come, the second is better: it uses the
# fact that the future depends only on the present state, which averaging returns ignores.
#
# ## Sutton's first experiment: repeated presentations, error against $\lambda$
#
# Sutton's own protocol: draw 100 training sets of 10 walks each. For each set and each $\lambda$, sum
# the TD($\lambda$) increments over the set, apply them once per presentation, and present the set again
# and again until the estimates stop changing. Report the RMS error of the converged estimates, averaged
# over the 100 sets. (Here, as above, the converged estimates are computed as the solution of the linear
# system at which the summed increment is zero.)

# %%
rng = Rng(1988)
training_sets = [[walk.episode(rng) for _ in range(SEQUENCES)] for _ in range(SETS)]
first = {lam: statistics.mean(rms(td_lambda_fixed_point(s, lam, start_values())) for s in training_sets)
         for lam in LAMBDAS}
show_table(["λ", *(f"{lam:g}" for lam in LAMBDAS)], [["RMS error", *(f"{first[lam]:.4f}" for lam in LAMBDAS)]],
           caption=f"Experiment 1: error of the converged estimates against λ, averaged over {SETS} training sets.")
curves_figure({"converged": list(first.values())}, "Experiment 1 (Sutton 1988, figure 3)",
              "λ", xs=list(LAMBDAS), name="l03-experiment-1", ylim=(0, 0.2),
              styles={"converged": {"marker": "o"}},
              alt=(f"Error of the converged estimates against λ: flat from λ = 0 to about 0.3 at "
                   f"{first[0.0]:.3f}, then rising to {first[1.0]:.3f} at λ = 1, the Monte Carlo end."))
rises = all(b >= a - 1e-3 for a, b in zip(first.values(), list(first.values())[1:]))
print(f"error at λ = 0: {first[0.0]:.4f}; at λ = 1: {first[1.0]:.4f}; never falls by more than 0.001: {rises}")
assert rises and first[1.0] == max(first.values()) and first[1.0] > first[0.0] + 0.02, "error should grow with λ"

# %% [markdown]
# The error grows with $\lambda$: flat at first, then steeply toward $\lambda = 1$, where TD($\lambda$)
# becomes the Widrow-Hoff (Monte Carlo) rule. With enough repetition, $\lambda = 0$ and the small
# $\lambda$ (equal within the noise of 100 sets) extract the most from a fixed set of data, for the
# certainty-equivalence reason above. The absolute errors are lower than those in the
# paper's figure; the ordering, the paper's result, is the same.
#
# ## Sutton's second experiment: one presentation, error against $\alpha$
#
# Now each training set is presented only once, the estimates updated after each walk (from 0.5), as a
# learner would with data arriving one walk at a time. The step size matters now, so the error is measured
# for a range of $\alpha$ and several $\lambda$.

# %%
ALPHAS = [k / 20 for k in range(13)]  # 0, 0.05, ..., 0.6


def one_presentation(lam, alpha):
    """Mean RMS error over the training sets after presenting each set once."""
    errors = []
    for training_set in training_sets:
        values = start_values()
        for episode in training_set:
            increment = td_lambda_increments(values, episode, lam)
            values = [v + alpha * d for v, d in zip(values, increment)]
        errors.append(rms(values))
    return statistics.mean(errors)


second = {lam: [one_presentation(lam, a) for a in ALPHAS] for lam in [k / 10 for k in range(11)]}
shown = {f"λ = {lam:g}": second[lam] for lam in (0.0, 0.3, 0.8, 1.0)}
curves_figure(shown, "Experiment 2 (Sutton 1988, figure 4); the curves leave the plot above 0.7", "α",
              xs=ALPHAS, name="l03-experiment-2-alpha",
              ylim=(0, 0.7), styles={label: {"marker": "o", "ms": 4} for label in shown},
              alt=("Error after one presentation against the step size α for λ = 0, 0.3, 0.8 and 1: each curve "
                   "is U-shaped; λ = 1 rises first, from the smallest α on; λ = 0 climbs steepest at large α; "
                   "intermediate λ reaches the lowest error."))
best = {lam: min(zip(errors, ALPHAS)) for lam, errors in second.items()}
show_table(["λ", "best α", "error at best α"], [[f"{lam:g}", f"{a:g}", f"{e:.4f}"] for lam, (e, a) in best.items()],
           caption="Experiment 2: the best step size for each λ and the error it reaches.")
curves_figure({"error at the best α": [e for e, _ in best.values()]}, "Experiment 2 (Sutton 1988, figure 5)",
              "λ", xs=list(best), name="l03-experiment-2-lambda", ylim=(0, 0.2),
              styles={"error at the best α": {"marker": "o"}},
              alt="Error at the best step size against λ: lowest for an intermediate λ, highest at λ = 1.")
best_lambda = min(best, key=lambda lam: best[lam][0])
print(f"best λ: {best_lambda:g} (error {best[best_lambda][0]:.4f}); "
      f"λ = 0: {best[0.0][0]:.4f}; λ = 1: {best[1.0][0]:.4f}")
assert 0.0 < best_lambda < 1.0, "an intermediate λ should do best with a single presentation"
assert best[1.0][0] == max(e for e, _ in best.values()), "λ = 1 (Monte Carlo) should do worst"

# %% [markdown]
# With a single pass over the data, an intermediate $\lambda$ does best: the traces carry the final
# reward's news back faster than one state per walk, while the bootstrapping still averages away the
# noise of individual walks. $\lambda = 1$, pure Monte Carlo, is worst at its best step size. (At the
# largest step sizes $\lambda = 0$ diverges fastest of all: every method breaks when $\alpha$ is too big.)
#
# ## What this lesson leaves out, and what comes next
#
# Everything here is *prediction*: the walks happen to the learner, who only estimates how they will end.
# Lesson 04 puts TD learning in charge of choosing actions. And every estimate here has its own entry in a
# table; Sutton's paper states TD($\lambda$) for any differentiable predictor, which is how lessons 05 to 07
# use it with neural networks.
