# %% [markdown]
# # Lesson 02 · Barto, Sutton & Anderson 1983: an actor and a critic balance a pole
#
# Andrew Barto, Richard Sutton and Charles Anderson's *Neuronlike Adaptive Elements That Can Solve
# Difficult Learning Control Problems* (IEEE Transactions on Systems, Man, and Cybernetics 13(5),
# 834-846, 1983) gives a learner no model of its world at all. It can push a cart left or right, and once
# in a while it is told that it has failed. From that alone it learns to keep a pole upright for as long
# as anyone cares to watch.
#
# The learner is made of two parts, and their names are still in use forty years later. An **actor**
# chooses what to do. A **critic** learns to predict how things will go and, by noticing when its own
# predictions change, tells the actor after every single step whether that step made things better or
# worse. Every actor-critic method since, up to the PPO of lesson 06, has this shape.
#
# This page is generated from `src/policywerk/lessons/l02_actor_critic.py`: the code below is the real
# code, run when the site was built, with what it printed and drew beneath it.

# %% tags=["setup"]
import math
import statistics
from typing import NamedTuple

from policywerk.agents.adaptive_elements import Actor, Critic, Params, train
from policywerk.math.random import Rng
from policywerk.math.stats import estimate, paired, rate
from policywerk.session import budget, seeds
from policywerk.show import config_rows, show_hyperparameters, show_source, show_table
from policywerk.sketch import line_chart
from policywerk.viz.cartpole import balancing_animation, boxes_figure, learning_curves_figure
from policywerk.worlds.cartpole import N_BOXES, CartPole, box_bins, box_of

PARAMS = Params()  # the paper's
SEEDS = seeds(budget(full=list(range(40)), quick=list(range(30))))
MAX_TRIALS = budget(full=100, quick=50)
MAX_STEPS = budget(full=100_000, quick=1_000)
show_hyperparameters([
    *config_rows(PARAMS),
    ("SEEDS", f"{SEEDS[0]} to {SEEDS[-1]}", "independent learners, each with its own seeded noise"),
    ("MAX_TRIALS", MAX_TRIALS, "pole.c's protocol: stop after 100 failures ..."),
    ("MAX_STEPS", MAX_STEPS, "... or once a trial lasts this many steps (33 minutes)"),
])

# %% [markdown]
# ## The world: a pole on a cart
#
# A pole is hinged to a cart that runs on a 4.8 m track. Every 0.02 s the learner pushes the cart with a
# force $F = \pm 10$ N, left or right: there is no "do nothing". The physics is the paper's, with the
# cart's friction $\mu_c$ on the track and the pole's $\mu_p$ in its hinge:
#
# $$
# \ddot\theta = \frac{g\sin\theta + \cos\theta\left[\dfrac{-F - m l\dot\theta^2\sin\theta
#   + \mu_c\,\mathrm{sgn}(\dot x)}{m_c + m}\right] - \dfrac{\mu_p\dot\theta}{m l}}
#   {l\left[\dfrac43 - \dfrac{m\cos^2\theta}{m_c + m}\right]},
# $$
#
# $$
# \ddot x = \frac{F + m l\left[\dot\theta^2\sin\theta - \ddot\theta\cos\theta\right]
#   - \mu_c\,\mathrm{sgn}(\dot x)}{m_c + m},
# $$
#
# with a cart of $m_c = 1$ kg, a pole of $m = 0.1$ kg whose centre of mass sits $l = 0.5$ m above the
# hinge, $g = 9.8$ m/s², and small frictions $\mu_c = 0.0005$ and $\mu_p = 0.000002$. Euler's method
# advances the state $(x, \dot x, \theta, \dot\theta)$ by $\tau = 0.02$ s: positions with the old
# velocities, velocities with the accelerations. A trial
# **fails** when the cart hits either end of the track ($|x| > 2.4$ m) or the pole leans past
# $12°$, and then everything starts again from the middle, upright and at rest.
#
# Pushing at random, or always the same way, the pole falls within a second or so. Random pushes differ
# from trial to trial, so their average over 100 trials comes with its **standard error** (SE): the
# trials' standard deviation divided by $\sqrt{100}$, the typical distance between this average and the
# one endlessly many trials would give. That true average lies within 1.96 SE of ours in 95 of 100 such
# measurements: a 95% interval. Always pushing right is the same every time.

# %%
world = CartPole()
rng = Rng(2024)


def run_policy(choose, trials=100):
    """Steps until failure of a fixed way of choosing pushes, one number per trial."""
    lengths = []
    for _ in range(trials):
        state, _ = world.reset()
        while True:
            state, r, failed, truncated, _ = world.step(choose(state))
            if failed:
                break
        lengths.append(world.steps)
    return lengths


random_steps = estimate(run_policy(lambda s: rng.randrange(2)))
right_steps = run_policy(lambda s: 1, trials=1)[0]
print(f"pushing at random, steps until the pole falls: {random_steps.text(1, 'trials')}, "
      f"{random_steps.mean * 0.02:.2f} s on average")
print(f"always pushing right: it falls after {right_steps} steps, every time")

# %% [markdown]
# ## What the learner sees: 162 boxes
#
# The learner does not get the four numbers. The paper divides each one into a few ranges and hands the
# learner only the combination, one of $3 \times 3 \times 6 \times 3 = 162$ **boxes**:
#
# | variable | thresholds | bins |
# |---|---|---:|
# | cart position $x$ | $-0.8$, $0.8$ m | 3 |
# | cart velocity $\dot x$ | $-0.5$, $0.5$ m/s | 3 |
# | pole angle $\theta$ | $-6°$, $-1°$, $0°$, $1°$, $6°$ | 6 |
# | pole angular velocity $\dot\theta$ | $-50$, $50$ °/s | 3 |
#
# Inside a box, every state looks the same. Writing $x_i(t) = 1$ when the state is in box $i$ and $0$
# otherwise, the learner's whole view of the world at time $t$ is a vector with a single 1 in it.

# %%
examples = [(0.0, 0.0, 0.0, 0.0), (0.0, 0.0, -0.5, 0.0), (1.0, -0.7, 8.0, 70.0)]
for x, x_dot, theta_deg, theta_dot_deg in examples:
    box = box_of((x, x_dot, math.radians(theta_deg), math.radians(theta_dot_deg)))
    print(f"x = {x:+.1f} m, ẋ = {x_dot:+.1f} m/s, "
          f"θ = {theta_deg:+.1f}°, θ̇ = {theta_dot_deg:+.0f}°/s"
          f"  ->  box {box:3d}, bins (counting from 0) {tuple(box_bins(box))}")

# %% [markdown]
# ## Why failure alone teaches so little
#
# The only reinforcement is $r(t) = -1$ on the step that fails and $0$ on every other step. Suppose
# the pole falls after 30 pushes. Which of them was the mistake? Perhaps the last, perhaps a push
# twenty steps earlier that set up a swing nothing could stop afterwards. The signal says only *that*
# something went wrong, not *what* or *when*. This is the **credit assignment problem** in time, and a
# learner that waits for failure to learn anything learns slowly, because it learns only once a trial,
# about pushes it can no longer tell apart.
#
# The paper's answer has two parts.
#
# ## The actor: a search that can be steered
#
# The **associative search element** (ASE) keeps a weight $w_i$ per box. In box $i$ it pushes right if
# the weight plus a little noise is positive, and left otherwise:
#
# $$
# y(t) = f\Big[\sum_i w_i(t)\,x_i(t) + \text{noise}(t)\Big],\qquad f(s) = +1 \text{ if } s \ge 0 \text{ else } -1,
# $$
#
# with Gaussian noise of standard deviation $\sigma = 0.01$. Where $w_i$ is near zero the noise decides and
# the actor explores; where $|w_i|$ is large it has made up its mind. It learns from a reinforcement
# $\hat r$ through an **eligibility trace** $e_i$, a fading record of which way it pushed in each box lately:
#
# $$
# w_i(t+1) = w_i(t) + \alpha\,\hat r(t)\,e_i(t), \qquad e_i(t+1) = \delta\,e_i(t) + (1 - \delta)\,y(t)\,x_i(t).
# $$
#
# A negative $\hat r$ turns every recent push away from what it was, the most recent the most.
#
# ## The critic: a prediction that turns failure into a signal every step
#
# The **adaptive critic element** (ACE) keeps a number $v_i$ per box: its prediction $p(t) = \sum_i v_i
# x_i(t)$ of how much (discounted) reinforcement lies ahead from here, which with $r = -1$ on failure means
# *how soon failure is coming*. Out of it, the critic computes an **internal reinforcement** every step:
#
# $$
# \hat r(t) = r(t) + \gamma\,p(t) - p(t-1),
# $$
#
# with the prediction of a failed state taken as 0. If the last push moved the cart-pole from a box the
# critic thought was safe into one it thinks is dangerous, $\hat r$ is negative now, before anything has
# failed; if the push got it out of trouble, $\hat r$ is positive. The critic learns its predictions from
# the same $\hat r$, through its own trace $\bar x_i$ of the boxes visited lately:
#
# $$
# v_i(t+1) = v_i(t) + \beta\,\hat r(t)\,\bar x_i(t), \qquad \bar x_i(t+1) = \lambda\,\bar x_i(t) + (1-\lambda)\,x_i(t).
# $$
#
# Five years later, Sutton's paper on **temporal-difference learning** (lesson 03) made this quantity the
# centre of a theory of prediction; as the TD error it drives Q-learning (lesson 04), DQN (lesson 05) and
# the advantages of PPO (lesson 06).
#
# The paper's parameters are $\alpha = 1000$, $\beta = 0.5$, $\delta = 0.9$, $\lambda = 0.8$,
# $\gamma = 0.95$. In the code the two elements are two small classes. The actor:

# %%
show_source(Actor, "The actor (ASE): a weight and an eligibility trace per box.")

# %% [markdown]
# `act` is the equation for $y(t)$: with a single 1 in $x(t)$ the sum is the weight of the current
# box, and the noise comes from the run's seeded generator. The trace's update is split in two:
# `remember` adds $(1 - \delta)\,y(t)$ in the box just visited, and `learn`, after moving each weight
# by $\alpha\,\hat r\,e_i$, fades each trace by $\delta$. A trace is zero in every box not yet visited
# in the current trial (`reset_traces` clears them after each failure), so `learn` loops over the
# visited boxes only: the same arithmetic, without the zeros. The critic has the same shape, with
# $\beta$ and $\lambda$ and no push, and one more method, `internal_reinforcement`, which computes
# $\hat r$ as above, taking the prediction of a failed state (no `next_box`) as 0:

# %%
show_source(Critic, "The critic (ACE): a prediction and a trace per box.")

# %% [markdown]
# ## Traces: credit that reaches back in time
#
# The trace of a box visited $k$ steps ago has faded by $\delta^k$ (actor) or $\lambda^k$ (critic). So
# when $\hat r$ arrives, it updates the recent boxes most and the older ones a little: the traces spread
# the credit backwards, instead of giving all of it to the last step.

# %%
delta, lam = PARAMS.delta, PARAMS.lam
show_table(["steps ago", "actor trace (1-δ)δᵏ", "critic trace (1-λ)λᵏ"],
           [[k, f"{(1 - delta) * delta ** k:.4f}", f"{(1 - lam) * lam ** k:.4f}"]
            for k in (0, 1, 2, 5, 10, 20)],
           caption="How much of a reinforcement reaches a box visited k steps earlier "
                   "(visited once).")

# %% [markdown]
# ## One learner, trial by trial
#
# We train one learner per seed with the protocol of `pole.c`, a C program by Sutton and Anderson that
# implements these learners (more on it at the end of the page): trials until one lasts 100,000 steps (33
# minutes of simulated balancing) or 100 trials have failed. The seed drives only the actor's noise;
# the cart-pole itself is deterministic. We follow one run in detail: the first seed in our list that
# balanced (all of them are counted further down, including those that did not). `keep=1` keeps, for
# each trial, the weights it started with, which the end of the page reads.

# %%
runs = {seed: train(seed, MAX_TRIALS, MAX_STEPS, PARAMS, keep=1) for seed in SEEDS}
shown_seed = next((seed for seed in SEEDS if runs[seed][-1].balanced), SEEDS[0])
# the same run again, keeping its states
trials = train(shown_seed, MAX_TRIALS, MAX_STEPS, PARAMS, keep=400)
steps = [t.steps for t in trials]
assert steps == [t.steps for t in runs[shown_seed]], "the same seed must give the same run"

outcome = "balanced" if trials[-1].balanced else "did not balance"
print(f"seed {shown_seed}: {len(trials)} trials; {outcome}")
print("steps per trial, ten trials a row:")
for row in range(0, len(steps), 10):
    ten = " ".join(f"{s:>7,}" for s in steps[row:row + 10])
    print(f"  {row + 1:3d}-{min(row + 10, len(steps)):3d}: {ten}")

# %%
animation = balancing_animation(
    trials, MAX_STEPS, early=budget(full=2, quick=1), steps=budget(full=250, quick=40),
    name="l02-balancing",
    alt=(f"The cart-pole under the learning actor, seed {shown_seed}: the first trials fall within "
         "a second, later ones last longer, and the last one stays up; the middle pane shows the "
         "actor's weights and the critic's predictions over the 162 boxes, the right pane the "
         f"steps per trial rising on a log scale from about 20 to {MAX_STEPS:,}."))
picks = sorted({round(k * (len(steps) - 1) / 9) for k in range(10)})
show_table(["trial", "steps balanced", "longest trial so far"],
           [[trials[i].number, f"{steps[i]:,}", f"{max(steps[:i + 1]):,}"] for i in picks],
           caption=f"The animation's right pane in numbers: steps balanced per trial, seed "
                   f"{shown_seed}. A trial's number, where the animation plays that trial, shows "
                   "it there.",
           frames=animation.frames_at([trials[i].number for i in picks]))

# %% [markdown]
# Early on the weights are all zero, the noise decides, and the pole falls within a second. Each failure
# makes the critic's predictions in the boxes just before it negative. From then on, entering those boxes
# produces a negative $\hat r$ at once, and the actor learns to avoid them *during* the trial, not only at
# its end. The trials grow longer in jumps, as whole regions of the state space turn from dangerous to
# handled, and they can fall back: a long trial drifts into boxes the learner has rarely seen, its
# failure there rewrites their weights, and a few short trials follow before it recovers.
#
# In the middle pane, each map has a cell for every box: six groups of columns for the pole's angle,
# each split three ways by its angular velocity, and three groups of rows for the cart's position, each
# split by its velocity. The black square is the box the cart-pole is in.
#
# ## Many learners, with and without the critic
#
# One run can be lucky, so we train a learner for each of the seeds. To see what the critic contributes,
# we train the actor alone on the same seeds: the same ASE with the same parameters, but learning from the
# external reinforcement directly, $\hat r(t) = r(t)$, so that it learns only on the step that fails.

# %%
alone = {seed: train(seed, MAX_TRIALS, MAX_STEPS, PARAMS, critic=False) for seed in SEEDS}
longest = {seed: max(t.steps for t in runs[seed]) for seed in SEEDS}
longest_alone = {seed: max(t.steps for t in alone[seed]) for seed in SEEDS}
balanced = [seed for seed in SEEDS if runs[seed][-1].balanced]
with_critic = rate(len(balanced), len(SEEDS))
without = rate(sum(length >= MAX_STEPS for length in longest_alone.values()), len(SEEDS))
show_table(["learner", f"seeds that balanced {MAX_STEPS:,} steps", "median longest trial"],
           [["actor and critic", with_critic.text(), f"{statistics.median(longest.values()):,.0f}"],
            ["actor alone", without.text(), f"{statistics.median(longest_alone.values()):,.0f}"]],
           caption=f"{len(SEEDS)} seeds, each trained with the critic and without it, "
                   f"{MAX_TRIALS} trials at most.")
stalled = [str(seed) for seed in SEEDS if seed not in balanced]
print("seeds that did not balance with the critic:")
print("  " + (", ".join(stalled) or "none"))

# %% [markdown]
# A share of seeds is a rate, and its uncertainty is given as an interval for the rate, here Wilson's:
# the true rates that the count we saw does not rule out at the 5% level. Made this way from many
# counts, such intervals hold the true rate about 95 times in 100. (Forty seeds pin a rate near one
# half down to about 15 points either way; the interval's width is what the extra seeds buy.)
#
# The figure below draws the runs trial by trial, on one log scale: with the critic on the left, the
# actor alone on the right. Each seed's run is a thin grey line; the blue line is the median over the
# seeds, the shaded band the middle half of them, and the orange line the seed followed above.

# %%
learning_curves_figure(
    {seed: [t.steps for t in runs[seed]] for seed in SEEDS},
    {seed: [t.steps for t in alone[seed]] for seed in SEEDS}, shown_seed, MAX_TRIALS, MAX_STEPS,
    name="l02-learning-curves",
    alt=(f"Steps until failure per trial on a log scale for {len(SEEDS)} seeds. Left, actor and "
         f"critic: the median climbs from about 20 steps towards {MAX_STEPS:,}, which "
         f"{len(balanced)} of the seeds reach. Right, the actor alone on the same seeds: the "
         "median stays in the tens of steps."))

# %% [markdown]
# A run that balanced stops there; in the figure its later trials count as balanced. The runs do not
# improve smoothly. The actor's weights are large ($\alpha = 1000$ against noise of $0.01$), so within
# a box it acts almost deterministically, and a trial that goes well can still fail when a rarely
# visited box is met. Some seeds never get there within the trial limit, which an average over runs
# would hide. How many failures a learner needs before it succeeds is itself spread widely:

# %%
needed = [len(runs[seed]) for seed in balanced]  # the trial that balanced: its failures, plus one
edges = [round(k * MAX_TRIALS / 4) for k in range(5)]  # 0, 25, 50, 75, 100: four quarters
show_table(["trial that balanced", "seeds"],
           [*([f"{low + 1} to {high}", sum(low < n <= high for n in needed)]
              for low, high in zip(edges, edges[1:])),
            [f"none within {MAX_TRIALS}", len(SEEDS) - len(balanced)]],
           caption="How many trials each seed needed until one balanced: the failures before the "
                   "success, plus one.")
if len(needed) > 1:
    low, middle, high = statistics.quantiles(needed, n=4, method="inclusive")
    print(f"trials needed by the seeds that balanced: median {middle:.0f}, "
          f"middle half {low:.0f} to {high:.0f}")

# %% [markdown]
# The checks compare the two learners with their uncertainty in view. The critic's rate of success must
# lie wholly above the actor alone's, their 95% intervals apart. And seed by seed, the longest trial
# with the critic must be longer than without it, on a log scale (a ratio, not a difference, since
# trials range from tens of steps to a hundred thousand), by more than three standard errors of the
# paired difference: both learners of a seed share its noise, so the comparison is paired.

# %%
log_ratio = paired([math.log10(longest[seed]) for seed in SEEDS],
                   [math.log10(longest_alone[seed]) for seed in SEEDS])
print(f"seeds that balanced with the critic: {with_critic.text()}")
print(f"seeds that balanced without it:     {without.text()}")
print(f"a seed's longest trial with the critic over its longest without, log10: "
      f"{log_ratio.text(2, 'seeds')}")
print(f"  a typical seed's longest trial is {10 ** log_ratio.mean:,.1f} times as long")
assert with_critic.low > without.high, "the critic should balance on more seeds, beyond doubt"
assert log_ratio.mean > 3 * log_ratio.error, "the actor alone should do far worse, seed by seed"

# %% [markdown]
# Without the critic, the actor hears about a push only if the pole fell soon after it, and then only in
# proportion to how recent the push was. Pushes that prevented a fall are never rewarded, since
# nothing happens after them. Its typical trial stays close to the twenty-odd steps of pushing at random;
# only its luckiest trials last a few hundred steps.
#
# The critic's step size $\beta$ decides how fast its predictions follow the failures, the actor's
# $\alpha$ how far one signal moves a weight. The cell below trains three learners with the step sizes
# you give it, to 10,000 steps rather than 100,000 so that it runs in a few seconds (on the site, in
# your browser, with the button under it), and draws each learner's trials, how long the pole stayed up
# in each, on a log scale. Try $\beta = 0.01$, a critic too slow to say anything in time, or
# $\alpha = 10$.

# %% tags=["try"]
params = Params(alpha=1000.0, beta=0.5)  # the actor's and the critic's step sizes, the paper's
steps_per_trial = {}
for seed in SEEDS[:3]:
    attempts = train(seed, MAX_TRIALS, 10_000, params)
    steps_per_trial[f"seed {seed}"] = [t.steps for t in attempts]
    best = max(t.steps for t in attempts)
    outcome = f"balanced in trial {len(attempts)}" if attempts[-1].balanced else "did not balance"
    print(f"seed {seed}: {outcome}; longest trial {best:,} steps")
line_chart(steps_per_trial, log_y=True, name="l02-try-trials", x_label="trial", y_label="steps",
           title=f"The pole's trials, α = {params.alpha:g}, β = {params.beta:g}",
           alt="How many steps each trial lasted, per learner, on a log scale.")

# %% [markdown]
# ## What the two elements learned
#
# The maps below show all 162 boxes as they were at the start of the run's last trial, the one that
# balanced for the full length: this is the learner that did it. Each group of three
# columns is one range of the pole's angle, split by its angular velocity; each group of three rows is one
# range of the cart's position, split by its velocity. Grey boxes were never visited.

# %%
final_w, final_v = trials[-1].w, trials[-1].v
boxes_figure(
    final_w, final_v, name="l02-boxes",
    alt=("Two maps of the 162 boxes after learning. The actor's weights are blue (push right) "
         "where the pole leans or swings right and red-orange (push left) where it leans or "
         "swings left. The critic's predictions are near zero for a pole near upright and most "
         "negative where the pole is far over and still swinging outwards."))

# %% [markdown]
# To check what the maps show, sort the visited boxes by the pole's angle and angular velocity. Where
# the pole leans more than 1° to one side and swings further that way, faster than 50°/s, it is
# falling; within 1° of upright and turning more slowly than that, it is calm. A critic that knows where
# failure comes from predicts worse for the falling boxes than for the calm ones, and an actor that has
# learned to catch the pole pushes right in most of the boxes where it falls right.

# %%
class Regions(NamedTuple):
    visited: list[int]  # every box the learner has been in
    right: list[int]  # the pole leans right and swings further right
    falling: list[int]  # it leans and swings outwards, to either side
    calm: list[int]  # near upright and turning slowly


def regions(w, v):
    """The visited boxes, sorted by what the pole is doing in them."""
    visited = [b for b in range(N_BOXES) if w[b] != 0.0 or v[b] != 0.0]
    # the angle's bins: 0: < -6°, 1: -6..-1°, 2: -1..0°, 3: 0..1°, 4: 1..6°, 5: > 6°
    # the angular velocity's bins: 0: turning left faster than 50°/s, 1: slower, 2: right, faster
    bins = {b: box_bins(b) for b in visited}
    right = [b for b in visited if bins[b].angle >= 4 and bins[b].spin == 2]
    falling = right + [b for b in visited if bins[b].angle <= 1 and bins[b].spin == 0]
    calm = [b for b in visited if bins[b].angle in (2, 3) and bins[b].spin == 1]
    return Regions(visited, right, falling, calm)


visited, right, falling, calm = regions(final_w, final_v)
v_falling = statistics.mean(final_v[b] for b in falling)
v_calm = statistics.mean(final_v[b] for b in calm)
print(f"{len(visited)} of {N_BOXES} boxes were ever visited")
print(f"critic's mean prediction where the pole is over and swinging outwards: {v_falling:+.3f}")
print(f"critic's mean prediction where it is near upright and slow:             {v_calm:+.3f}")
pushes_right = sum(final_w[b] > 0 for b in right)
print(f"where the pole leans and swings right, the actor pushes right in {pushes_right} "
      f"of {len(right)} boxes")

# %% [markdown]
# That is one learner. Every learner that balanced can be read the same way, from the weights its
# last trial started with: does its critic predict worse for the falling boxes than for the calm ones,
# and does its actor push right in most of the boxes where the pole falls right? The check asks both
# of the whole set of learners that balanced, as rates with their 95% intervals: each lesson must hold
# for most of them, beyond doubt, whichever seeds a reader picks.

# %%
def reflexes(w, v):
    """Whether the critic expects failure where the pole falls, and whether the actor pushes right
    under a pole that falls right."""
    where = regions(w, v)
    critic = bool(where.falling and where.calm) and (statistics.mean(v[b] for b in where.falling)
                                                     < statistics.mean(v[b] for b in where.calm))
    actor = sum(w[b] > 0 for b in where.right) > len(where.right) / 2
    return critic, actor


learned = [reflexes(runs[seed][-1].w, runs[seed][-1].v) for seed in balanced]
assert learned, "no learner balanced, so there is nothing to read"
critic_knows = rate(sum(knows for knows, _ in learned), len(learned))
actor_knows = rate(sum(knows for _, knows in learned), len(learned))
print(f"critics that expect failure where the pole falls: {critic_knows.text()}")
print(f"actors that push right under a pole falling right: {actor_knows.text()}")
assert critic_knows.low > 0.5, "the critic should expect failure where the pole is falling"
assert actor_knows.low > 0.5, "the actor should move the cart under a pole that falls right"

# %% [markdown]
# The critic has learned where failure comes from: a pole leaning over and still swinging outwards. The
# actor has learned the reflex that keeps a pole up, to move the cart under it: push right when it falls
# right.
#
# ## How this page differs from the paper, and from pole.c
#
# Two texts describe this learner. The 1983 paper gives its equations and parameters. A short C program,
# `pole.c`, by Sutton and Anderson, implements it and has been passed around for decades; many reruns of
# the experiment start from it. The two do not agree in every detail. This page follows the paper wherever
# they differ, except in how long a run lasts:
#
# | detail | the 1983 paper | `pole.c` | this page |
# |---|---|---|---|
# | the push | right if $w_i$ + noise $\ge 0$, $\sigma = 0.01$ | right with probability $1/(1+e^{-w_i})$ | the paper's |
# | actor's trace, per visit | $(1 - \delta)\,y = \pm 0.1$ | $(1 - \delta)(y - \tfrac12) = \pm 0.05$ | the paper's |
# | friction | $\mu_c = 0.0005$, $\mu_p = 0.000002$ | none | the paper's |
# | arithmetic | not stated | 32-bit floats | 64-bit floats |
# | a run | 100 trials, unless it passes 500,000 steps | 100 failures, or one trial of 100,000 steps | `pole.c`'s |
# | what is reported | curves averaged over 10 runs | one run at a time | 40 seeds, rates with intervals |
#
# The rest is the same in all three: the 162 boxes and their thresholds, the critic's trace and its
# increment of $1 - \lambda$, the internal reinforcement with a failed state predicted as 0, the order
# of the updates within a step, the traces cleared and the weights kept after each failure, every
# trial started upright and at rest, and the five parameters $\alpha, \beta, \gamma, \delta, \lambda$.
#
# Which of the differences moves the rate of success, and by how much, this page does not measure. The
# likeliest is the push. The paper's noise decides only where $|w_i|$ is below a few hundredths, so one
# signal of $\alpha = 1000$ settles a box for good; `pole.c`'s logistic keeps trying both pushes
# wherever $|w_i|$ is below about 5, and its halved trace moves a weight half as far. Its learners
# explore for longer, and a seed that stalls here might not stall there. The run's length decides what
# counts as success: here, as in `pole.c`, one uninterrupted trial of 100,000 steps; the paper ran its
# trials and reported how long each one lasted. Our random numbers are Python's, so no seed here is
# any seed of `pole.c`'s: only the rates can be compared.
#
# ## What this lesson leaves out, and what comes next
#
# The boxes are fixed by hand, and so is the coarseness of the learner's view: nothing here generalises
# from one box to the next. The noise is tiny and the step size huge, so exploration is accidental, and
# some runs stall. Later lessons take these up one at a time: lesson 03 studies the critic's prediction
# on its own, as temporal-difference learning; lesson 04 lets the values pick the actions directly; lessons
# 05 and 06 replace the boxes by networks that generalise, and lesson 06 returns to this very cart-pole
# with an actor and a critic of its own.
