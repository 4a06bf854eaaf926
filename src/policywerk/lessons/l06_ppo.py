# %% [markdown]
# # Lesson 06 · Schulman et al. 2017: proximal policy optimisation
#
# Lessons 03 to 05 learned *values* and acted on them: pick the action whose value is largest. That needs a
# maximum over the actions, easy for three keys and awkward for a force that can take any value. The other
# road, taken by the actor of lesson 02, is to learn the **policy itself**: a rule that, given the state,
# says how likely each action is, adjusted directly in the direction that makes good outcomes more likely.
#
# John Schulman, Filip Wolski, Prafulla Dhariwal, Alec Radford and Oleg Klimov's *Proximal Policy
# Optimization Algorithms* (arXiv:1707.06347, 2017) made that road reliable with one small change to the
# objective: a **clip** that stops each update from moving the policy too far from the one that gathered
# the data. PPO still has lesson 02's shape, a generation on: an actor (here a Gaussian over the force) and a
# critic (a value network) whose predictions tell the actor which actions turned out better than expected.
#
# This page is generated from `src/policywerk/lessons/l06_ppo.py`; the code ran when the site was built.

# %% tags=["setup"]
import math
import statistics
from dataclasses import dataclass, replace

import policywerk.viz.ppo as viz
from policywerk.agents.ppo import (
    Config,
    GaussianPolicy,
    Run,
    clipped_objective,
    clipped_objective_grad,
    evaluate,
    gae,
    gaussian_log_prob,
    gaussian_log_prob_grads,
    play,
    train,
    update,
)
from policywerk.math.random import Rng
from policywerk.math.stats import estimate, paired, rate
from policywerk.session import budget, seeds
from policywerk.show import config_rows, show_hyperparameters, show_source, show_table
from policywerk.sketch import line_chart
from policywerk.worlds.cartpole import ForceCartPole

# %% [markdown]
# PPO's own settings live in one `Config`; the table below gives each one's value, what it sets and,
# for most, the paper's value beside it. Four more numbers belong to this page: how long each run
# trains, on which seeds, and how a trained policy is judged.

# %% tags=["setup"]
CONFIG = Config()
ITERATIONS = budget(full=40, quick=8)
SEEDS = seeds(budget(full=[0, 1, 2], quick=[0]))
EVAL_EPISODES = 10
MUST_BALANCE = budget(full=9, quick=0)
show_hyperparameters([
    *config_rows(CONFIG),
    ("ITERATIONS", ITERATIONS, "batches of CONFIG.horizon steps per run"),
    ("SEEDS", SEEDS, "independent runs, each for PPO and for the ablation"),
    ("EVAL_EPISODES", EVAL_EPISODES,
     "episodes to judge a trained policy, each from its own random start"),
    ("MUST_BALANCE", MUST_BALANCE,
     "of the EVAL_EPISODES, per seed (the quick setting trains too briefly)"),
])

# %% [markdown]
# ## The world: lesson 02's cart-pole, pushed by any force
#
# The physics is lesson 02's, friction and all, integrated in steps of 0.02 s. Two things change. The push
# is any force from -10 N to +10 N instead of exactly one of the two; a force outside that range is clipped
# to it. And the learner sees the four numbers themselves, the cart's position $x$ and velocity
# $\dot x$, the pole's angle and its angular velocity (θ and θ̇ on the gauges of the animation), instead
# of one of 162 boxes. From here on the symbol $\theta$ means what it means in the paper: the
# policy's parameters.
# Every step after which the pole is still up (within 12°, the cart on the 4.8 m track) earns +1, and an
# episode is cut off after 500 steps, ten seconds of balancing: a return of 500 means it never fell. Each
# episode starts from a state drawn at random within ±0.05 of upright and at rest, as Gymnasium's
# cart-pole does.
#
# Two policies that know nothing, for scale: pushing with no force at all, and the untrained policy below,
# which pushes with random forces of about 3 N either way.

# %%
env = ForceCartPole()
rng, still = Rng(7), []
for _ in range(100):
    env.reset(seed=rng.randrange(2**31))
    steps, done = 0.0, False
    while not done:
        _, reward, terminated, truncated, _ = env.step(0.0)
        steps, done = steps + reward, terminated or truncated
    still.append(steps)
untrained = evaluate(GaussianPolicy(CONFIG.hidden, CONFIG.log_std_init, Rng(0)), env, 100, seed=7,
                     deterministic=False)
print(f"no force at all: mean return {estimate(still).text(1, 'episodes')}, "
      f"longest {max(still):.0f}")
print(f"the untrained policy: mean return {estimate(untrained).text(1, 'episodes')}, "
      f"longest {max(untrained):.0f}")

# %% [markdown]
# ## Learning the policy itself: the log-derivative trick
#
# Write $\pi_\theta(a \mid s)$ for the policy, a probability density over actions with parameters
# $\theta$, and $J(\theta)$ for the return it earns on average. A whole episode $\tau = (s_0, a_0, s_1, a_1,
# \dots)$ has probability $p_\theta(\tau) = p(s_0) \prod_t \pi_\theta(a_t \mid s_t)\, p(s_{t+1} \mid s_t,
# a_t)$, so
#
# $$ J(\theta) = \int p_\theta(\tau)\, R(\tau)\, d\tau, \qquad
#    \nabla_\theta J = \int \nabla_\theta p_\theta(\tau)\, R(\tau)\, d\tau. $$
#
# $J$ itself is an average over episodes, so playing episodes estimates it. Its gradient is not: $\nabla_\theta
# p_\theta(\tau)$ is no probability to sample episodes from. The trick is the identity
# $\nabla p = p \nabla \log p$, which turns the gradient back into an average over episodes, something a
# learner *can* estimate by playing:
#
# $$ \nabla_\theta J = \int p_\theta(\tau)\, \nabla_\theta \log p_\theta(\tau)\, R(\tau)\, d\tau
#    = \mathbb E_\tau\big[\nabla_\theta \log p_\theta(\tau)\, R(\tau)\big]. $$
#
# The logarithm turns the product into a sum, and the world's own probabilities $p(s_{t+1} \mid s_t, a_t)$
# do not depend on $\theta$, so they drop out of the gradient: **no model of the world is needed**. What is
# left is $\sum_t \nabla_\theta \log \pi_\theta(a_t \mid s_t)$ times the return. An action cannot change
# the rewards that came before it, and subtracting what was expected anyway leaves the average unchanged
# but makes it far less noisy; together these give the estimate used in practice,
#
# $$ \hat g = \hat{\mathbb E}_t\big[\nabla_\theta \log \pi_\theta(a_t \mid s_t)\, \hat A_t\big]
#    \approx \nabla_\theta J, $$
#
# where $\hat{\mathbb E}_t$ is the average over the time steps of a batch, and the **advantage**
# $\hat A_t$ estimates how much better than expected things went after taking $a_t$ in $s_t$. (With a
# learned estimate of "expected" and a discount, it is slightly biased; that is the price of its low noise.)
# Read it as: make the actions that turned out better than expected more likely, the others less.
#
# ## A Gaussian policy and its gradients
#
# For a force, the policy is a normal distribution: a small network (4 inputs, 16 tanh units, 1 output)
# computes the mean $\mu_\theta(s)$, and the standard deviation $\sigma = e^{\log\sigma}$ is one more
# learned number, the same in every state, as in the paper. Its log-density and the two derivatives that
# the update needs are
#
# $$ \log \pi(a \mid s) = -\frac{(a - \mu)^2}{2\sigma^2} - \log\sigma - \tfrac12 \log 2\pi, $$
#
# $$ \frac{\partial \log\pi}{\partial \mu} = \frac{a - \mu}{\sigma^2}, \qquad
#    \frac{\partial \log\pi}{\partial \log\sigma} = \frac{(a - \mu)^2}{\sigma^2} - 1. $$
#
# An action to the right of the mean pulls the mean towards it; an action far from the mean (more than
# one $\sigma$) widens the Gaussian, one close to it narrows it; the advantage decides whether the pull is
# towards or away. Backpropagation carries $\partial/\partial\mu$ on into the network's weights. Checked
# against finite differences, at one made-up action:

# %%
a, mu, s, h = 1.3, 0.4, math.log(0.8), 1e-6  # s: log sigma
analytic = gaussian_log_prob_grads(a, mu, s)
# central differences: nudge one parameter by h either way, the other held still
d_mu = (gaussian_log_prob(a, mu + h, s) - gaussian_log_prob(a, mu - h, s)) / (2 * h)
d_log_std = (gaussian_log_prob(a, mu, s + h) - gaussian_log_prob(a, mu, s - h)) / (2 * h)
numeric = (d_mu, d_log_std)
for name, x, y in zip(("d/dmu", "d/dlog sigma"), analytic, numeric):
    print(f"{name:>13}: formula {x:+.6f}   finite difference {y:+.6f}")
    assert abs(x - y) < 1e-6

# %% [markdown]
# ## Why a step too large destroys a policy
#
# The gradient is a promise about a small neighbourhood of the current policy, and it was estimated from
# episodes that this policy played. Lesson 05 could learn from a replay of old experience because
# Q-learning's target does not care which policy chose the actions. The policy gradient does: its average
# is over the current policy's actions, so a batch is spent as soon as the policy changes. That tempts
# one to squeeze each batch with many steps, or one big step. But the policy decides which states
# the cart-pole visits next. A step that, say, doubles the mean force in some state can send the cart into
# states the batch never showed, where the network's output is anything at all; the next batch is then
# gathered by a bad policy, its gradient is a promise about bad states, and the learner can fall a long
# way before it climbs back, or never does. Unlike a supervised learner's, an RL learner's mistakes poison
# its own data. The ablation below shows the outcome.
#
# ## The ratio and the clip
#
# PPO keeps each batch for several passes (10 epochs of minibatches here, as in the paper) and says how far
# the new policy may move. Evaluate the new policy on old data by weighting each sample with the
# **probability ratio** (the paper writes $r_t$; here $\rho_t$, since $r_t$ is the reward)
#
# $$ \rho_t(\theta) = \frac{\pi_\theta(a_t \mid s_t)}{\pi_{\theta_\text{old}}(a_t \mid s_t)}, $$
#
# which is 1 before the first step of an update. The surrogate objective
# $\hat{\mathbb E}_t[\rho_t(\theta)\,\hat A_t]$ has, at $\theta = \theta_\text{old}$, exactly the
# estimate $\hat g$ above as its gradient (because $\nabla \rho = \rho\,\nabla\log\pi$ and $\rho = 1$
# there), and it keeps rewarding movement however far $\rho$ goes. PPO's **clipped** objective takes away
# the reward for going further than a factor $1 \pm \varepsilon$ ($\varepsilon = 0.2$):
#
# $$ L^{CLIP}(\theta) = \hat{\mathbb E}_t\Big[\min\big(\rho_t(\theta)\,\hat A_t,\;
#    \operatorname{clip}(\rho_t(\theta), 1 - \varepsilon, 1 + \varepsilon)\,\hat A_t\big)\Big]. $$
#
# The minimum makes it one-sided. For an action better than expected ($\hat A > 0$), making it more
# likely pays only up to $\rho = 1.2$; beyond, the objective is flat and **the gradient is zero**: that
# sample stops pulling. For an action worse than expected, making it less likely pays only down to
# $\rho = 0.8$. Moving the wrong way is never clipped: the objective keeps the full penalty there. The
# shaded bands below are where a sample's gradient is zero, drawn from the lesson's own
# `clipped_objective`:

# %%
viz.objective_figure(
    CONFIG.clip, name="l06-objective",
    alt=("The clipped objective against the ratio. For a positive advantage it rises with the "
         "ratio up to 1.2 and is flat beyond; for a negative advantage it falls with the ratio "
         "down to 0.8 and is flat below. The unclipped ratio times advantage is a dashed "
         "straight line."))
ratios = (0.5, 0.9, 1.0, 1.1, 1.5)
for advantage in (1.0, -1.0):
    grads = [clipped_objective_grad(rho, advantage, CONFIG.clip) for rho in ratios]
    print(f"A = {advantage:+.0f}: gradient in rho at rho = 0.5, 0.9, 1.0, 1.1, 1.5:",
          *(f"{g:g}" for g in grads))
assert clipped_objective_grad(1.5, 1.0, CONFIG.clip) == 0.0
assert clipped_objective_grad(0.5, -1.0, CONFIG.clip) == 0.0
assert clipped_objective(1.5, -1.0, CONFIG.clip) == -1.5  # the wrong way is penalised in full

# %% [markdown]
# In the update, the gradient flows to the network through $\rho$: since
# $\partial \rho / \partial \log\pi = \rho$, each sample contributes
# $-\frac{\partial L}{\partial \rho}\, \rho$ to the gradient of the loss with respect to its
# log-probability, and the Gaussian's derivatives above carry it to $\mu$ and $\log\sigma$.
#
# ## Advantages: generalised advantage estimation
#
# The critic is a second network of the same size, trained to predict the discounted return
# ($\gamma = 0.99$) from the state. With it, each step has a temporal-difference error, lesson 03's
# $\delta_t = r_t + \gamma V(s_{t+1}) - V(s_t)$: one step of real reward, the rest guessed. Summing $k$ of
# them gives the $k$-step estimate: $k$ real rewards, then the critic's guess. **GAE** (Schulman et al.
# 2016) averages the $k$-step estimates with weights $(1 - \lambda)\lambda^{k-1}$, lesson 03's
# $\lambda$-return; written in TD errors, each is weighted by $(\gamma\lambda)^l$, computed backwards
# along the batch:
#
# $$ \hat A_t = \delta_t + \gamma\lambda\, \hat A_{t+1} = \sum_{l \ge 0} (\gamma\lambda)^l\, \delta_{t+l}. $$
#
# $\lambda$ is lesson 03's dial between bootstrapping and Monte Carlo. At $\lambda = 0$, $\hat A_t =
# \delta_t$: low variance, since only one transition is sampled, but biased wherever the critic is wrong. At
# $\lambda = 1$ the $V$ terms cancel and $\hat A_t$ is the real discounted return minus $V(s_t)$: unbiased,
# but as noisy as the whole rest of the episode. The paper's $\lambda = 0.95$ keeps most of the real
# rewards while damping the far ones. Where a pole fell the sum stops and $V(s_{t+1}) = 0$; where an
# episode was only cut off (at 500 steps, or at the end of a batch) the sum stops too, but $V(s_{t+1})$
# stays: the pole was still up. Three steps by hand, the last one a fall:

# %%
rewards = [1.0, 1.0, 0.0]
values = [2.0, 1.5, 0.5]  # V(s_t)
next_values = [1.5, 0.5, 0.0]  # V(s_t+1), 0 after the fall
ends = [False, False, True]
for lam in (0.0, CONFIG.lam, 1.0):
    advantages = gae(rewards, values, next_values, ends, gamma=0.9, lam=lam)
    print(f"lambda = {lam:4}: advantages", " ".join(f"{x:+.4f}" for x in advantages))
# By hand, with gamma 0.9. lambda 0: the TD errors,
#   1 + 0.9 * 1.5 - 2,  1 + 0.9 * 0.5 - 1.5  and  0 - 0.5.
# lambda 1: the discounted return minus V,
#   1 + 0.9 * 1 + 0.81 * 0 - 2,  1 + 0.9 * 0 - 1.5  and  0 - 0.5.
for lam, by_hand in ((0.0, [0.35, -0.05, -0.5]), (1.0, [-0.1, -0.5, -0.5])):
    computed = gae(rewards, values, next_values, ends, gamma=0.9, lam=lam)
    assert all(abs(x - y) < 1e-12 for x, y in zip(computed, by_hand))

# %% [markdown]
# Before each update the advantages of the batch are normalised to mean 0 and standard deviation 1, as
# the paper's published code does: the scale of the returns then does not set the step size. The critic
# is fitted to $R_t = \hat A_t + V_\text{old}(s_t)$, the same estimate seen as a return.
#
# ## One iteration, in code
#
# Each iteration plays the current policy for 1,024 steps (carrying on across episodes), computes the
# advantages, and then runs this: 10 passes over the batch in shuffled minibatches of 64, each pass an Adam
# step per minibatch for the policy and, with its own Adam, for the critic. The policy's loss is
# $-L^{CLIP} - c_H\,H(\pi)$, with an entropy bonus $c_H = 0.001$ that rewards a wider Gaussian: the
# entropy $H = \log\sigma + \frac12\log(2\pi e)$ depends only on $\sigma$, and its derivative with
# respect to $\log\sigma$ is 1. The critic's loss is $\frac12 (V(s_t) - R_t)^2$.

# %%
show_source(update, "PPO's update: epochs of minibatch Adam steps on the clipped objective for the "
                    "policy, and on the squared error for the critic")

# %% [markdown]
# ## PPO against the same update without the clip, on the same seeds
#
# Each seed trains PPO for 40 iterations, 40,960 steps. The ablation trains on the same seeds with the
# same networks, step sizes, epochs and minibatches, but without the clip: it climbs the plain surrogate
# $\rho_t \hat A_t$, whose first step is the policy gradient, as far as 10 epochs of Adam take it (the
# paper's "no clipping or penalty"). A trained policy is judged by pushing with its mean force, without
# the noise, over 10 episodes from random starts. The **clip fraction**, the share of a batch's samples
# whose ratio lies outside $[0.8, 1.2]$ during the update, measures how far each update moved the policy;
# it is measured the same way for the ablation, which has no clip.

# %%
# x, x', angle, angle': the states at which every run records the policy's mean force
REFERENCE = [(0.0, 0.0, -0.1, -1.0), (0.0, 0.0, 0.0, 0.0), (0.0, 0.0, 0.1, 1.0)]
REFERENCE_LABELS = ["falling left", "upright, at rest", "falling right"]
SHOWN = sorted({0, ITERATIONS // 4, ITERATIONS})  # the policies that play in the animation
PLAIN = replace(CONFIG, clip=None)


@dataclass
class Result:
    """One trained policy, and how it did pushing with its mean force."""

    run: Run  # the training run: the policy, the critic, what each iteration saw and did
    returns: list[float]  # the returns of its EVAL_EPISODES evaluation episodes


results = {}
for label, config in (("PPO", CONFIG), ("no clip", PLAIN)):
    for seed in SEEDS:
        keep = tuple(SHOWN) if label == "PPO" else ()  # copies of the policy, for the animation
        run = train(ForceCartPole(), ITERATIONS, config, seed, reference=REFERENCE, keep=keep)
        returns = evaluate(run.policy, ForceCartPole(), EVAL_EPISODES, seed=1000 + seed)
        results[label, seed] = Result(run, returns)

# %% [markdown]
# One row per trained policy. "Balanced" counts the evaluation episodes that lasted all 500 steps, and
# the mean return is over all ten. The training record stands beside it: the mean return of the
# episodes that ended in the run's best batch and in its last one, and $\sigma$ at the end. For scale,
# the untrained policy's episodes, measured above, end long before 500 steps, and a batch in which the
# pole never fell averages 500.

# %%
def balanced(returns):
    """How many of the episodes lasted all 500 steps."""
    return sum(r == 500 for r in returns)


rows = []
for (label, seed), result in results.items():
    batches = viz.mean_returns(result.run.iterations)
    score = estimate(result.returns)
    rows.append([label, seed, f"{balanced(result.returns)} of {EVAL_EPISODES}",
                 f"{score.mean:.0f} ± {score.error:.0f}", f"{max(batches):.0f}",
                 f"{batches[-1]:.0f}", f"{result.run.iterations[-1].sigma:.2f}"])
show_table(["run", "seed", "balanced 500 steps", "mean return ± SE", "best batch", "last batch",
            "σ (N)"], rows,
           caption=(f"Each trained policy pushing with its mean force, {EVAL_EPISODES} episodes "
                    "per seed; beside it, the mean return of the training episodes in its best and "
                    "its last batch, which was gathered before the final update."))
for seed in SEEDS:
    result = results["PPO", seed]
    batches = viz.mean_returns(result.run.iterations)
    assert balanced(result.returns) >= MUST_BALANCE, f"seed {seed}: PPO should balance in 9 of 10"
    assert batches[-1] > 2 * batches[0], f"seed {seed}: no learning"

# %% [markdown]
# The same runs over time. On the left, each batch's mean return against the steps so far, one line
# style per seed; on the right, each update's clip fraction, faint for each seed and bold for the mean
# over the seeds. Look for where a curve first reaches 500, and whether it stays there.
#
# What the two learners are compared on needs care. The ten evaluation episodes of one policy are not
# ten independent trials of the method: a policy that balances tends to balance every time, and one
# that fails, fails every time (the table's "0 of 10" and "10 of 10"). The unit of a comparison is the
# training seed, and there are three. Three seeds are enough to show that without the clip each update
# moves the policy further, on every seed and by a wide margin, which the clip fraction measures at
# every iteration of a run (though a standard error from three values is itself rough); they are not
# enough to say how much more often PPO ends with a policy that balances, and the
# page does not claim it: it prints both rates with their 95% intervals, which overlap.

# %%
curves = {}  # each run's record of its iterations, by label and seed
for label in ("PPO", "no clip"):
    curves[label] = {s: results[label, s].run.iterations for s in SEEDS}
viz.learning_figure(
    curves, name="l06-learning",
    alt=("Mean return per iteration for three seeds. PPO's curves climb to 500, dip less and end "
         "there; without the clip the curves climb as fast at first but then fall back and swing. "
         "Beside it, the clip fraction: higher and spikier without the clip."))
drift = {label: [statistics.mean(it.clip_fraction for it in results[label, s].run.iterations)
                 for s in SEEDS] for label in ("PPO", "no clip")}
print("mean clip fraction (ratios outside [0.8, 1.2]) over a run's updates, per seed:")
for label, fractions in drift.items():
    print(f"  {label:<8}", ", ".join(f"{share:.1%}" for share in fractions))
in_points = {label: [100 * share for share in shares] for label, shares in drift.items()}
further = paired(in_points["no clip"], in_points["PPO"])
print(f"no clip minus PPO, seed by seed, in percentage points: {further.text(1, 'seeds')}")
steady = rate(sum(balanced(results["PPO", s].returns) == EVAL_EPISODES for s in SEEDS), len(SEEDS))
unsteady = rate(sum(balanced(results["no clip", s].returns) == EVAL_EPISODES for s in SEEDS),
                len(SEEDS))
print(f"policies that balanced every evaluation episode: PPO {steady.text()},")
print(f"  no clip {unsteady.text()}")
assert all(a > b for a, b in zip(drift["no clip"], drift["PPO"])), "the clip should hold every seed"
assert further.mean > 3 * further.error, "without the clip the policy should move further"

# %% [markdown]
# Without the clip the learner climbs as fast as PPO at first, often faster: ten epochs of unclipped steps
# move the policy further per batch. That same distance is what undoes it. The right-hand panel measures
# it: without the clip, a much larger share of each batch's ratios ends up outside $[0.8, 1.2]$, so the
# policy being improved has moved well away from the one whose episodes the gradient was estimated from.
# The curves reach 500 and fall back, some for good. One update can be enough: a run whose last batch
# balanced throughout can still end with a policy that fails in evaluation, because the final update,
# made after that batch, broke it. PPO's curves dip less often and less deeply, and every seed ends at
# 500. Its update is the same ten epochs of Adam, but a sample whose ratio has left the window on the
# side its advantage favours stops pulling, so each iteration's change stays small, *proximal*, however
# many passes it makes. The clip is no hard limit, and PPO's clip fraction is not zero: the network is
# shared between states, so the other samples' gradients keep moving a clipped sample's ratio; Adam's
# momentum carries steps on; and moving the wrong way is never clipped.
#
# To watch the clip at work yourself, the cell below trains one policy for 8 iterations and prints each
# batch's mean return and each update's clip fraction, and draws both (on the site it runs in your
# browser, with the button under it, in about five seconds). Set `clip` to `None` for the ablation, or widen the window
# to 0.5, and see how far each update moves the policy. In a browser the numbers may come out a little
# different: its maths library computes `exp`, `log` and `tanh` differently in the last bits, and
# training carries such differences forward. Over these 8 iterations, in Chromium, every number printed
# came out the same as here.
#
# Under the printed lines, the two curves. A batch's mean return is that of the episodes that ended in
# it, so the first point is the untrained policy's score. The clip fraction is measured against PPO's
# window of 0.2 even when `clip` is `None`, so that the ablation's fraction says how many samples an
# unclipped update pushed outside the window that PPO would have held them in.

# %% tags=["try"]
config = replace(CONFIG, clip=0.2)  # the clip's epsilon: try None (no clip), 0.1 or 0.5
short_run = train(ForceCartPole(), 8, config, seed=SEEDS[0])
for it in short_run.iterations:
    ended = f"{statistics.mean(it.returns):5.1f}" if it.returns else "  none"
    print(f"{it.steps:>5,} steps: mean return {ended}, clip fraction {it.clip_fraction:5.1%}, "
          f"σ {it.sigma:.2f} N")
batches = short_run.iterations
returns = [statistics.mean(it.returns) if it.returns else math.nan for it in batches]
line_chart({"mean return": returns}, xs=[it.steps for it in batches], name="l06-try-return",
           title=f"Mean return per batch, clip {config.clip}", x_label="steps", y_label="return",
           alt="Each batch's mean episode return.")
line_chart({"clip fraction": [it.clip_fraction for it in batches]}, xs=[it.steps for it in batches],
           title=f"Clip fraction per update, clip {config.clip}", x_label="steps",
           y_label="share of samples", name="l06-try-clip", alt="Each update's clip fraction.")

# %% [markdown]
# ## What the policy learned
#
# The mean force at three reference states, each with the cart at rest in the middle of the track: the
# pole 5.7° to the left and falling further left at 57°/s, the pole upright and still, and the mirror
# image of the first. To catch a pole that falls right the cart must move right, under it, so a learned
# policy should push right there, left in the mirror state, and about nothing when all is calm.

# %%
run = results["PPO", SEEDS[0]].run
gaussians = run.snapshots  # the policy's Gaussian after each iteration, from 0
checkpoints = sorted({0, *range(0, ITERATIONS + 1, max(1, ITERATIONS // 4))})
rows = []
for k in checkpoints:
    means = [f"{mu:+.2f} N" for mu in gaussians[k].means]
    rows.append([k, *means, f"{gaussians[k].sigma:.2f} N"])
show_table(["after iteration", *(f"μ, {label}" for label in REFERENCE_LABELS), "σ"], rows,
           caption=f"The policy's Gaussian at the reference states, seed {SEEDS[0]}.")
left_mu, upright_mu, right_mu = gaussians[-1].means
assert left_mu < -abs(upright_mu) and right_mu > abs(upright_mu), "push the way the pole falls"
sigmas = [it.sigma for s in SEEDS for it in results["PPO", s].run.iterations]
print(f"σ after every PPO iteration, all seeds: from {min(sigmas):.2f} N to {max(sigmas):.2f} N "
      f"(it started at {math.exp(CONFIG.log_std_init):.2f} N)")

# %% [markdown]
# The means move apart, and $\sigma$ wanders around where it started, with no trend. That is this task,
# not a rule. The reward counts steps upright and nothing else, and a policy that balances tolerates a
# few newtons of noise, so little in the advantages pays for narrowing the Gaussian, while the entropy
# bonus pays a little for widening it. On tasks that reward precision, the paper's simulated robots among
# them, $\sigma$ shrinks as the policy improves.

# %% [markdown]
# ## Watching it learn
#
# The first seed's policy plays one episode before training (its three Gaussians still lie on top of each
# other), one after a quarter of it, and one at the end, sampling its forces from the Gaussian as it did
# in training. The middle pane shows that Gaussian at the three reference states and,
# under them in black, the mean force and one $\sigma$ either side at the state the cart is in, with the
# force drawn in orange. The right pane shows the training curves and, as a dot, the return of the
# episode that is playing, after the number of updates its policy had.

# %%
episodes = [viz.Episode(k, play(run.kept[k], ForceCartPole(), seed=3)) for k in SHOWN]
animation = viz.policy_animation(
    episodes, gaussians, run.iterations, REFERENCE_LABELS, 10.0, name="l06-cartpole",
    alt=(f"The cart-pole pushed by the policy after {', '.join(map(str, SHOWN[:-1]))} and "
         f"{SHOWN[-1]} iterations of PPO: at first it falls within a second, at the end it "
         f"balances for {episodes[-1].steps} steps. The middle pane shows the Gaussian over "
         "the force at three reference states moving apart as the policy learns."))

# %% [markdown]
# The right pane in numbers, at every tenth of the training and at each policy the animation plays.
# Iteration $k$ gathers its batch with the policy that has had $k - 1$ updates, so the batch after the
# last update is never gathered, and before the first there is no update to measure. The episode shown
# is the return of that policy's episode in the animation: one step less than it lasted if the pole
# fell, since the step on which it fell earns nothing.

# %%
batch_means = viz.mean_returns(run.iterations)  # [u]: the batch gathered after u updates
played = {episode.iteration: episode.episode_return for episode in episodes}
updates = sorted({*SHOWN, *(round(k * ITERATIONS / 10) for k in range(11))})
rows = []
for u in updates:
    batch = f"{batch_means[u]:.0f}" if u < ITERATIONS else ""
    clip = f"{run.iterations[u - 1].clip_fraction:.1%}" if u else ""
    rows.append([u, batch, clip, played.get(u, "")])
show_table(["updates so far", "mean return of the next batch", "clip fraction of the last update",
            "episode shown"], rows,
           caption=f"The animation's right pane in numbers, PPO seed {SEEDS[0]}: each batch's "
                   "mean return (the batch gathered after that many updates) and each update's "
                   "clip fraction. A number of updates shows the episode of the policy after that "
                   "many, where the animation plays one.",
           frames=animation.frames_at(updates))

# %% [markdown]
# ## What is different from the paper, and why
#
# | setting | the paper (MuJoCo tasks) | here |
# |---|---|---|
# | networks | two hidden layers of 64 tanh units | one hidden layer of 16 tanh units |
# | steps per iteration | 2,048 | 1,024 |
# | Adam step size | 3e-4 | 1e-3 |
# | entropy bonus | 0 | 0.001 |
# | initial σ | 1, the action bound (in the paper's code) | 3 N, a third of the bound |
# | training | 1,000,000 steps | 40,960 steps per run |
# | inputs | running normalisation (in the paper's code) | each variable divided by a fixed typical size |
# | seeds | three per task | three, each policy judged on 10 episodes; shares with 95% intervals |
#
# The task is much smaller than the paper's simulated robots, so the networks, batches and budgets are too,
# and a larger step size makes up for fewer steps. What is the paper's: the clipped objective with
# $\varepsilon = 0.2$, GAE with $\gamma = 0.99$ and $\lambda = 0.95$, 10 epochs of minibatches of 64, Adam,
# separate policy and value networks, and a state-independent $\log\sigma$. The small entropy bonus rewards
# keeping some noise, so that the policy keeps exploring instead of committing early.
