# %% [markdown]
# # Lesson 07 · Hafner et al. 2020: learning in imagination
#
# Lesson 01 planned with a model of the world that it was given: every probability and every reward,
# readable. Lessons 02 to 06 had no model at all. They learned from real experience only, and paid for
# it in experience: lesson 05's network played 20,000 steps of its little Breakout per run, lesson 06's
# policy 40,960 steps of cart-pole. Real steps are what is dear in the real world: a robot's time, its
# wear, its falls.
#
# Danijar Hafner, Timothy Lillicrap, Jimmy Ba and Mohammad Norouzi's *Dream to Control: Learning Behaviors
# by Latent Imagination* (ICLR 2020, arXiv:1912.01603) takes from both. It **learns** a model of the world
# from what it sees, pixels and rewards, as lessons 02 to 06 learned values, and then learns how to act
# **inside that model**, on episodes the model imagines, as lesson 01 worked inside the model it was given.
# Real steps are spent only to make the model better. Lesson 01 swept its model's Bellman equations; Dreamer
# trains an actor and a critic on its model's imagined episodes, which scales to worlds no table can hold.
# Its successors, DreamerV2 (2021) and DreamerV3 (*Mastering Diverse Domains through World Models*, 2023),
# kept the design and made it robust; this lesson borrows a few of their fixes and says which.
#
# This page is generated from `src/policywerk/lessons/l07_world_model.py`; the code ran when the site was
# built.

# %% tags=["setup"]
import math
import statistics
from dataclasses import dataclass

import policywerk.viz.dreamer as viz
from policywerk.agents.dreamer import Config, behaviour_update, evaluate, random_episode, train
from policywerk.agents.world_model import WorldModel
from policywerk.math.random import Rng
from policywerk.math.stats import Estimate, Rate, estimate, rate
from policywerk.math.vectors import argmax
from policywerk.nn.distributions import bernoulli_nll, gaussian_kl, softmax
from policywerk.nn.gru import GRUCell
from policywerk.session import budget, output_path, seeds, show_file
from policywerk.show import config_rows, show_hyperparameters, show_source, show_table
from policywerk.sketch import line_chart
from policywerk.worlds.reach import ACTION_NAMES, DOWN, LEFT, RIGHT, STAY, UP, Reach

# %% [markdown]
# Every setting of the run, in one table. `CONFIG` holds Dreamer's own: the sizes of the model and the
# weights of its loss, how far and from how many states it imagines, the step sizes, and how much it
# plays and trains. The rest set where the target is, how long this page trains, and how the result is
# judged. Where a value is written `budget(full=..., quick=...)`, the full one is what this page ran; the
# quick one shrinks the run so that the tests can execute the whole page in seconds, far too briefly to
# learn, which is why the checks that need a trained agent are skipped when `MUST_REACH` is 0.

# %% tags=["setup"]
TARGET = (2, 5)
CONFIG = Config(prefill=budget(full=100, quick=10), pretrain=budget(full=500, quick=30))
ROUNDS = budget(full=80, quick=4)
SEED = seeds(0)
EVAL_EPISODES = budget(full=200, quick=20)
MUST_REACH = budget(full=0.8, quick=0.0)
MODEL_FILE = output_path("l07-world-model", ".json")  # the trained model, saved for the try-it cell
show_hyperparameters([
    ("TARGET", TARGET, "the target's cell, the same in every episode"),
    *config_rows(CONFIG),
    ("ROUNDS", ROUNDS, "rounds of model updates, imagination, and one real episode"),
    ("SEED", SEED, "the one training run shown"),
    ("EVAL_EPISODES", EVAL_EPISODES, "real episodes to judge the trained agent and the baselines"),
    ("MUST_REACH", MUST_REACH, "share of evaluation episodes that must reach the target"),
])

# %% [markdown]
# ## The world: a block that must reach a target
#
# The agent is a solid 3 x 3 block in a 10 x 10 image; the target is the outline of a block. The block
# lives on an 8 x 8 lattice of positions, and one move (up, down, left or right) shifts it by one pixel,
# so two neighbouring positions share six of their nine pixels. A move slips with probability 0.1 and the
# block stays where it was. An episode lasts 20 steps, and each step pays $0.5^d$, where $d$ is the
# number of moves still between the block and the target: 1 on the target, a half next to it, a quarter
# two moves away. The target is always at the same place; the block starts anywhere else.
#
# The agent gets nothing but the 100 pixels, 0 or 1, and the reward. Where the block is, that it is a
# block, that the target does not move: all of that it must find out. (In the pictures on this page an
# orange square marks the target's place, for the reader; the agent sees only the black and white.)

# %% tags=["setup"]
def world(**kwargs):
    return Reach(target=TARGET, **kwargs)


env = world()
example = random_episode(env, Rng(3))
opening = example[:9]
captions = ["start"] + [f"{ACTION_NAMES[a]}  r {r:.2f}" for a, _, r in opening[1:]]
viz.frames_figure([("random\nplay", [obs for _, obs, _ in opening], captions)], env.side,
                  name="l07-world", mark=(*TARGET, env.size),
                  alt=("Nine 10 by 10 frames of the first steps of a random policy: a dark 3 by 3 "
                       "block moves a pixel at a time or stays, and the outline of a block, the "
                       "target, stays in place inside an orange square. Under each frame, the "
                       "action that led to it and the reward."))

# %% [markdown]
# Two policies that learn nothing set the scale. One picks its actions at random. The other walks the
# shortest path to the target, read off the world's own record of where the block is, which the agent
# never sees: no policy that learns from the frames can do better. Each is scored by the share of its
# episodes in which it reaches the target and by its mean return:

# %%
def go_to_target(env, rng):
    """The shortest path, read off the world's true state: a baseline for scale, not a learner."""
    (row, col), (t_row, t_col) = env.agent, env.target
    if row != t_row:
        return DOWN if t_row > row else UP
    if col != t_col:
        return RIGHT if t_col > col else LEFT
    return STAY


@dataclass
class Score:
    reached: Rate  # the episodes that reached the target (a reward of 1 at some step), of all
    mean_return: Estimate  # the mean return with its standard error


def score(rewards):
    """How a policy did, from the rewards of each of its episodes."""
    reached = rate(sum(max(r) == 1.0 for r in rewards), len(rewards))
    return Score(reached, estimate(sum(r) for r in rewards))


RANDOM = score(evaluate(lambda env, rng: rng.randrange(5), world(), EVAL_EPISODES, seed=7))
SHORTEST = score(evaluate(go_to_target, world(), EVAL_EPISODES, seed=7))
for name, result in (("random policy", RANDOM), ("shortest path", SHORTEST)):
    print(f"{name}: the episodes that reach the target, {result.reached.text()};")
    print(f"  mean return {result.mean_return.text(2, 'episodes')}")

# %% [markdown]
# A share of episodes comes with its 95% interval (Wilson's, which stays within 0% and 100%), and a mean
# return with its standard error (SE), the episodes' standard deviation over $\sqrt{200}$.
#
# A random policy still reaches the target now and then, and every step pays it something, if little
# far from the target, since the reward halves with each move away instead of vanishing. The gap between
# the two lines is what there is to learn, and the agent below must learn it from the frames alone.
#
# ## The world model
#
# Dreamer's model is a **recurrent state-space model**. Its state at time $t$ has two parts. $h_t$ is
# deterministic, a memory carried forward by a recurrent network, lesson 05's dense layers with a loop.
# $z_t$ is stochastic, a sample from a Gaussian: the part of the world the model cannot be sure of, here
# where the block is when the model first sees it, and whether a move slipped. Six small networks work on
# them:
#
# $$
# \begin{aligned}
# &\text{recurrent state} && h_t = \mathrm{GRU}(h_{t-1},\, [z_{t-1};\, a_{t-1}]) \\
# &\text{posterior (with the frame)} && z_t \sim q(z_t \mid h_t,\, \mathrm{enc}(o_t)) \\
# &\text{prior (without it)} && \hat z_t \sim p(\hat z_t \mid h_t) \\
# &\text{decoder} && o_t \sim p(o_t \mid h_t, z_t) \\
# &\text{reward predictor} && r_t \approx \hat r(h_t, z_t)
# \end{aligned}
# $$
#
# The **posterior** is what the model believes after seeing the frame; the **prior** is its guess of the
# same thing before seeing it. When a real frame is there, the posterior is used and the model tracks the
# world; when there is none, the prior is, and the model *imagines*. The decoder turns a state back into
# a picture, each pixel lit with its own probability (a Bernoulli distribution); the reward predictor
# says what the state pays. Here every network but the GRU has one hidden layer (of 32 units; the
# encoder's, 16): $h_t$ has 16 numbers, $z_t$ 4, and the encoder turns a frame into 16 features.
#
# The recurrent network is a **gated recurrent unit** (Cho et al. 2014). From its input $x$ and its
# previous state $h$, with $\sigma$ the logistic function and $\odot$ an elementwise product,
#
# $$ u = \sigma(W_u [x; h] + b_u), \quad \rho = \sigma(W_\rho [x; h] + b_\rho), \quad
#    c = \tanh(W_c [x;\, \rho \odot h] + b_c), \quad h' = (1 - u) \odot c + u \odot h. $$
#
# The update gate $u$ decides how much of the old state to keep, the reset gate $\rho$ how much of it the
# candidate $c$ may look at. Where $u$ is near 1, the state passes through unchanged, and so does the
# gradient on its way back: that is what lets a GRU remember over many steps where a plain recurrent layer
# forgets. Backpropagation through time runs the steps backwards, each step's record giving the gradients
# of its weights and of its inputs. To check that the two agree, take a GRU of three units with two
# inputs, run it over three random inputs, and let the loss add up, at every step, the state's first
# number minus twice its third (any loss of the states would do):

# %%
cell, data = GRUCell(2, 3, Rng(1)), Rng(2)
xs = [[data.uniform(-1, 1), data.uniform(-1, 1)] for _ in range(3)]


def sequence_loss():
    h, loss = [0.0, 0.0, 0.0], 0.0
    for x in xs:
        h, _ = cell.step(x, h)
        loss += h[0] - 2.0 * h[2]  # any loss of every step's state
    return loss


# %% [markdown]
# Backpropagation through time runs the sequence forwards once, keeping each step's record, then walks
# the records last step first. Into each step's state flow two gradients: the loss's own, $(1, 0, -2)$,
# and what the step after handed back through its gates. `backward` takes their sum, adds this step's
# share to the weight gradients, and hands $\partial L / \partial h$ on to the step before. The weight
# checked is row 1, column 3 of the candidate's $W_c$; column 3 multiplies the old state's second number
# after the reset gate, so the weight works through the recurrence itself. Nudging it by $\pm\epsilon$
# and running the loss again each way gives the finite difference:

# %%
h, records = [0.0, 0.0, 0.0], []
for x in xs:
    h, record = cell.step(x, h)
    records.append(record)
dh = [0.0, 0.0, 0.0]
for record in reversed(records):  # backpropagation through time, last step first
    _, dh = cell.backward([g + d for g, d in zip((1.0, 0.0, -2.0), dh)], record)
ROW, COL = 1, 3
dw_u, dw_r, dw_c = cell.grads  # dL/dW of the update gate, the reset gate and the candidate
analytic, eps, keep = dw_c[ROW][COL], 1e-6, cell.w_c[ROW][COL]
cell.w_c[ROW][COL] = keep + eps
up = sequence_loss()
cell.w_c[ROW][COL] = keep - eps
down = sequence_loss()
cell.w_c[ROW][COL] = keep
numeric = (up - down) / (2 * eps)
print(f"dL/dW_c[{ROW}][{COL}]: backpropagation through time {analytic:+.8f}, "
      f"finite difference {numeric:+.8f}")
assert abs(analytic - numeric) < 1e-7

# %% [markdown]
# The world model's GRU is this same `GRUCell`, with 16 units. Its input is $[z_{t-1}; a_{t-1}]$: the 4
# numbers of the latent, and the action as five numbers, 1 for the action taken and 0 for the others
# (all five 0 before the first action).
#
# ## What the model learns from
#
# Given real sequences $(o_1, a_1, r_1), \dots, (o_T, a_T, r_T)$ from the replay, the model runs along
# them with the posterior, and each step adds three terms to the loss:
#
# $$ \mathcal L = \sum_t \Big[ \underbrace{-\log p(o_t \mid h_t, z_t)}_{\text{reconstruction}}
#    + \underbrace{\tfrac{c_r}{2}\big(\hat r(h_t, z_t) - r_t\big)^2}_{\text{reward}}
#    + \underbrace{\beta \max\big(F,\ \mathrm{KL}\big[q(z_t \mid h_t, o_t) \,\|\,
#      p(z_t \mid h_t)\big]\big)}_{\text{prior against posterior}} \Big]. $$
#
# The **reconstruction** term asks the state to keep what is needed to redraw the frame: for a pixel
# that is lit with probability $p$, it costs $-\log p$ if the pixel is lit and $-\log(1 - p)$ if it is
# not (the binary cross-entropy), summed over the 100 pixels. The **reward** term asks the state to
# predict the reward ($c_r = 10$, since one number stands against a hundred pixels). The **KL** term is
# the Kullback-Leibler divergence $\mathrm{KL}(q \| p) = \mathbb E_{z \sim q}[\log q(z) - \log p(z)]$,
# how much more surprising samples of $q$ are to someone who expected $p$. It is never negative, zero only
# when $q = p$, and measured in **nats** when the logarithms are natural (one nat is $\log_2 e \approx
# 1.44$ bits). For diagonal Gaussians it has a closed form, $\sum_i \log\frac{\sigma_{p,i}}{\sigma_{q,i}}
# + \frac{\sigma_{q,i}^2 + (\mu_{q,i} - \mu_{p,i})^2}{2\sigma_{p,i}^2} - \frac12$. It is what teaches the
# prior: it is smallest when the guess without the frame matches the belief with it. It is also a price
# on the posterior for straying from the prior, which keeps the latent from memorising noise. (The code
# averages these terms over the steps of a batch instead of summing them, which only rescales the step.)
#
# Two details keep that price from doing harm. **Free nats**, already in the first Dreamer: below $F$ nats
# the KL is not pushed down at all, so the posterior can always carry a little information for free (the
# first Dreamer set $F = 3$; here $F = 1$, DreamerV3's value). **KL balancing**, from DreamerV2: 80% of the
# KL's gradient goes to the prior and 20% to the posterior, so the prior learns to predict the frames
# faster than the posterior learns to ignore them.
#
# The sample $z_t$ is drawn as $z_t = \mu_t + \sigma_t \odot \epsilon_t$ with $\epsilon_t \sim \mathcal
# N(0, 1)$: the **reparameterisation trick**. Written that way, the gradient of the decoder's loss flows
# through $z_t$ to the posterior's mean and spread, and the GRU carries every step's gradient back to the
# steps before. The model's forward pass over one real sequence, as the code computes it; each turn of
# its loop is one step, from $h_t$ to the three terms of the loss:

# %%
show_source(WorldModel._forward, "The world model's forward pass over one sequence of frames")

# %% [markdown]
# The backward pass walks the same steps last first, term by term, each under a comment that names it:
# among them the free nats and the balancing of the KL's gradient, and the reparameterisation, which
# hands $z_t$'s gradient to the posterior's mean and, times $\sigma_t \epsilon_t$, to its log spread:

# %%
show_source(WorldModel._backward, "Backpropagation through time over one sequence")

# %% [markdown]
# ## Imagination, and learning in it
#
# To **imagine** is to run the model without frames. Start from a state the posterior reached on a real
# sequence; the actor picks an action from the state; the GRU and the *prior* give the next state; the
# reward predictor says what it pays. Ten steps of that, from sixteen starting states, are one batch of
# imagined experience, and no real step was taken for it. (The decoder is not needed at all: the actor
# and the critic read the state $[h; z]$ itself. It is used on this page only to show what the model
# imagines.)
#
# Write $s_k$ for the $k$-th imagined state $[h; z]$ and $\hat r_k$ for the reward predicted for the step
# out of it, read off $s_{k+1}$. The critic $v$ learns lesson 03's $\lambda$-return, with $\gamma = 0.9$
# and $\lambda = 0.95$, bootstrapped from its own value at the end of the horizon $H$, by the loss
# $\frac12 (v(s_k) - V^\lambda_k)^2$:
#
# $$ V^\lambda_k = \hat r_k + \gamma\big[(1 - \lambda)\, v(s_{k+1}) + \lambda V^\lambda_{k+1}\big], \qquad
#    V^\lambda_H = v(s_H). $$
#
# The actor, a softmax over the five actions, is improved by lesson 06's likelihood-ratio gradient: make
# an action more likely in proportion to how much its $\lambda$-return beat the critic's expectation,
#
# $$ \mathcal L_\text{actor} = -\sum_k \Big[\frac{V^\lambda_k - v(s_k)}{S} \log\pi(a_k \mid s_k)
#    + \eta\, \mathrm{H}\big[\pi(\cdot \mid s_k)\big]\Big], \qquad S = \max(1,\ P_{95} - P_5), $$
#
# with an entropy bonus $\eta = 0.01$ that keeps it exploring. $S$ is DreamerV3's return scale: the
# spread of the returns between their 5th and 95th percentiles, but never less than 1, so that a batch in
# which nothing much was earned is not blown up into a confident step, as normalising the advantages to
# unit variance (lesson 06) would do. (DreamerV3 keeps a running average of the spread; here each batch
# uses its own.) The first Dreamer backpropagated the returns through the model's dynamics into the actor;
# for a discrete action that needs a trick, and DreamerV2 (on Atari) and DreamerV3 use this estimator
# instead.

# %%
show_source(behaviour_update, "One update of the actor and the critic, on imagined trajectories")

# %% [markdown]
# In the code, `targets` are the $V^\lambda_k$ and `values` the $v(s_k)$ of every imagined step,
# `spread` is $S$, and `scale` turns the sums into means over the batch. The actor's gradient at its
# logits is the advantage times the gradient of $\log\pi(a_k \mid s_k)$, plus $\eta$ times the
# entropy's, negated because the optimiser descends; the critic's is $v(s_k) - V^\lambda_k$, the
# derivative of its squared error.
#
# ## Training: real steps only for the model
#
# The agent first plays 100 episodes at random, 2,000 real steps, and the model trains on them alone for
# 500 updates (each on 4 sequences of 8 steps, Adam with step size 0.005). Then each round makes 5 updates
# of the model and 5 of the actor and critic in imagination, and plays one real episode with the actor,
# sampling its actions, which goes into the replay for the model. The actor never sees a real reward.

# %%
snapshots = tuple(sorted({0, ROUNDS // 4, ROUNDS}))  # copies of the agent, for the animation
run = train(world(), ROUNDS, CONFIG, seed=SEED, snapshots=snapshots)
REAL_STEPS = sum(len(episode) - 1 for episode in run.episodes)
BEHAVIOUR_UPDATES = ROUNDS * CONFIG.updates_per_episode
print(f"{len(run.model_losses)} model updates, {BEHAVIOUR_UPDATES} behaviour updates on "
      f"{BEHAVIOUR_UPDATES * CONFIG.starts * CONFIG.horizon:,} imagined steps, "
      f"{REAL_STEPS:,} real steps in all")

# %% [markdown]
# The actor learned from the imagined steps alone, many times as many as the agent took for real. The
# real steps went to the model: the random ones of the first 100 episodes, and one episode of the
# actor's own play per round.
#
# ## How good is the model?
#
# Judged on 200 fresh episodes of random play, which it never trained on. For each frame: the model's
# **reconstruction**, the frame it draws from the posterior that saw it; and its **one-step
# prediction**, the frame it draws from the prior before seeing it, given everything up to the step
# before and the action taken. The scale is set by the best the model could do knowing nothing about the
# episode: the **mean frame** of its training data, each pixel lit with the probability it was lit in
# training. Counted in nats (the reconstruction loss) and in pixels wrong (a pixel counts as drawn lit if
# the model gives it more than even odds).

# %%
run.agent.model.save(MODEL_FILE)
show_file(MODEL_FILE, kind="data", alt="The trained world model: its sizes, its settings and its "
          f"{sum(len(v) for v, _ in run.agent.model.parameters()):,} parameters, in JSON.")
replayed = [obs for episode in run.episodes for _, obs, _ in episode]
mean_frame = [min(max(sum(col) / len(replayed), 1e-3), 1 - 1e-3) for col in zip(*replayed)]

# %% [markdown]
# The trained model is saved in the file above, and read back from it below, float for float: the
# rest of this page judges the model as saved, and the try-it cell further down, which has no time to
# train one in a browser, starts from the same file. The held-out episodes come from seeds of their own,
# so that the model is judged on episodes it never trained on, and so that the browser draws the same
# ones.

# %% tags=["setup"]
model = WorldModel.load(MODEL_FILE)
held_out = [random_episode(world(), Rng(100 + k)) for k in range(budget(full=200, quick=20))]
OPEN_LOOP_STEPS = 12  # how far the model imagines without a frame, further down


def nats(probabilities, frame):
    nll, _ = bernoulli_nll([math.log(p / (1 - p)) for p in probabilities], frame)
    return nll


def wrong(probabilities, frame):
    return sum((p > 0.5) != (x > 0.5) for p, x in zip(probabilities, frame))


def safe(probabilities):
    return [min(max(p, 1e-6), 1 - 1e-6) for p in probabilities]


# %% [markdown]
# `nats` is the reconstruction loss of a frame under given probabilities, `wrong` the count of pixels
# drawn on the wrong side of even odds, and `safe` keeps every probability a hair away from 0 and 1, so
# that a pixel drawn wrong with full confidence costs many nats but not infinitely many (the mean frame
# is kept within a thousandth of 0 and 1 for the same reason). Along each held-out episode the model
# filters the frames once. At step $t$ the reconstruction decodes the state that saw frame $t$; the
# one-step prediction starts from the state at $t - 1$, imagines one step with the action really taken,
# and decodes that. The first frame, with no step before it, is left out of all three:

# %%
scores = {"reconstruction (posterior)": [], "one-step prediction (prior)": [], "the mean frame": []}
for episode in held_out:
    states = model.filter(episode)
    for t in range(1, len(episode)):
        action, frame, _ = episode[t]
        recon = safe(model.decode(*states[t]))
        guess = safe(model.decode(*model.imagine_step(*states[t - 1], action)))
        for key, probabilities in zip(scores, (recon, guess, mean_frame)):
            scores[key].append((nats(probabilities, frame), wrong(probabilities, frame)))
rows = [[key, f"{statistics.mean(n for n, _ in v):.2f}", f"{statistics.mean(w for _, w in v):.2f}"]
        for key, v in scores.items()]
show_table(["frame drawn by", "nats per frame", "pixels wrong per frame"], rows,
           caption=(f"The model's frames against the true frames of {len(held_out)} held-out "
                    "random episodes."))
MEAN_FRAME_WRONG = statistics.mean(w for _, w in scores["the mean frame"])
RECON_WRONG = statistics.mean(w for _, w in scores["reconstruction (posterior)"])
ONE_STEP_WRONG = statistics.mean(w for _, w in scores["one-step prediction (prior)"])
if MUST_REACH:
    assert RECON_WRONG < 0.25 * MEAN_FRAME_WRONG, "reconstructions should beat the mean frame"
    assert ONE_STEP_WRONG < 0.5 * MEAN_FRAME_WRONG, "one-step predictions should beat it too"

# %% [markdown]
# How the model got there: the three terms of its loss, update by update, each with its moving mean.
# The dotted line is the end of pretraining. From there the actor trains, and its episodes join the
# random ones in the replay the model learns from.

# %%
reconstruction = [losses.reconstruction for losses in run.model_losses]
viz.model_learning_figure(reconstruction, [losses.kl for losses in run.model_losses],
                          [losses.reward for losses in run.model_losses], CONFIG.pretrain,
                          statistics.mean(n for n, _ in scores["the mean frame"]), name="l07-model",
                          alt=("The world model's three losses per update. The reconstruction "
                               "loss falls from above the mean frame's to a few nats per frame; "
                               "the KL first drops and then rises as the latent starts to carry "
                               "the block's position; the reward loss falls."))

# %% [markdown]
# The KL does not fall to zero, and cannot: it measures how far the belief after the frame is from the
# guess before it. At the first step of a sequence the model has seen nothing yet, so the frame tells it
# where the block is, which the prior cannot know; every sequence the model trains on starts that way, one
# step in eight. After that, the frame mostly confirms the guess, except after a slip. Measured on the
# held-out episodes, with the average spread $\sigma$ of each Gaussian:

# %%
first, later, spreads = [], [], {"posterior": [], "prior": []}
for episode in held_out:
    for t, (post, prior) in enumerate(model.beliefs(episode)):
        kl, _ = gaussian_kl(post.mu, post.log_std, prior.mu, prior.log_std)
        (first if t == 0 else later).append(kl)
        spreads["posterior"].append(statistics.mean(post.sigma))
        spreads["prior"].append(statistics.mean(prior.sigma))
FIRST_KL, LATER_KL = statistics.mean(first), statistics.mean(later)
print(f"KL(posterior || prior): {FIRST_KL:.2f} nats at the first frame, "
      f"{LATER_KL:.2f} nats per frame after it")
print("mean sigma of z:", ", ".join(f"{k} {statistics.mean(v):.3f}" for k, v in spreads.items()))
if MUST_REACH:
    assert FIRST_KL > 2 * LATER_KL, "the first frame should tell the most"
    assert statistics.mean(spreads["prior"]) > 2 * statistics.mean(spreads["posterior"])

# %% [markdown]
# The first frame's KL is far more than the $\ln 63 \approx 4.1$ nats that naming one of 63 cells is
# worth: a prior that may spread no wider than $\sigma = 1$ cannot cover every place the posterior may put
# the block, and the KL charges heavily for a posterior that lies out in the prior's tails. The
# prior is much wider than the posterior throughout, and takes nearly all the width the model allows it
# (every $\sigma$ is bounded between 0.05 and 1). For a Gaussian guess the best spread is the typical size of its
# own error, the posterior's spread plus how far the prior's mean tends to miss the posterior's; here that
# is more than the bound. Imagination samples from this prior, so the states the actor trains on are noisy
# versions of the model's best guess; the pictures below show the guess itself, the prior's mean.
#
# ## Where imagination fails
#
# Imagination is only as good as the model, and its errors compound: each imagined step starts from the
# last one's guess, not from a frame. Take real episodes, let the model see only the first frame, then
# give it the actions that were really taken and let it imagine every frame after that, open loop. Then
# compare with the frames that really came:

# %%
episode = held_out[3]
start = model.filter(episode[:1])[0]
actions = [action for action, _, _ in episode[1:]]
dreamed = [model.decode(*state) for state in model.rollout(*start, actions)]
captions = [f"step {t}" for t in range(1, OPEN_LOOP_STEPS + 1, 2)]
viz.frames_figure([("real", [obs for _, obs, _ in episode[1:OPEN_LOOP_STEPS + 1:2]], captions),
                   ("imagined", dreamed[0:OPEN_LOOP_STEPS:2], captions)], env.side,
                  name="l07-dream", mark=(*TARGET, env.size),
                  alt=("Two rows of six frames, steps 1, 3, ..., 11 of a real episode above and "
                       "the model's open-loop imagination of the same actions below, from only the "
                       "first frame; the imagined block follows the real one at first and drifts "
                       "or blurs later."))

# %% [markdown]
# One episode shows the drift; how fast it comes is a matter of counting. For every held-out episode,
# the same open-loop imagination from its first frame, and at each step the pixels it draws wrong,
# averaged over the episodes step by step. This is the page's try-it cell: on the site, the button
# under it runs it in your browser, with the model saved above. Set `horizon` to 20 to imagine to the
# end of an episode. Or set `slip` to 0, for episodes from the same seeds in which every move goes
# through: what drift is left is the model's own, and the difference was the slips' doing. (The
# browser's maths library may compute `exp` and `tanh` differently in the last bits; here the model
# only predicts, so no training step amplifies such differences, and in Chromium this cell printed the
# same numbers as here.)

# %% tags=["try"]
horizon = OPEN_LOOP_STEPS  # steps imagined after the first frame: try 4, or 20 (an episode's last)
slip = env.slip  # how often a move fails in the episodes judged: try 0
episodes = [random_episode(world(slip=slip), Rng(100 + k)) for k in range(len(held_out))]
open_loop = [[] for _ in range(horizon)]
for episode in episodes:
    following = episode[1:horizon + 1]
    start = model.filter(episode[:1])[0]
    states = model.rollout(*start, [action for action, _, _ in following])
    for k, ((_, frame, _), state) in enumerate(zip(following, states)):
        open_loop[k].append(wrong(model.decode(*state), frame))
OPEN_LOOP = [statistics.mean(v) for v in open_loop if v]
print(f"slip {slip:g}: pixels wrong, open loop, after 1..{len(OPEN_LOOP)} imagined steps:")
print(" ".join(f"{v:.1f}" for v in OPEN_LOOP))
line_chart({"open loop": OPEN_LOOP}, name="l07-try-horizon", x_label="steps imagined",
           y_label="pixels wrong", title=f"Open loop, {len(episodes)} episodes, slip {slip:g}",
           alt="Pixels wrong per imagined frame against the number of steps since the first frame.")

# %% [markdown]
# Each step without a frame, the model has to guess, among other things, whether the move slipped; it
# cannot know, so its best guess is close to "the move went through", and after each real slip it is one
# pixel off for good. One slip in ten moves means that after twelve steps most imagined episodes are out of step
# with the real ones. The model's own errors add to that. This is why Dreamer imagines only a short way
# ahead (15 steps in the paper, 10 here) and always starts from a state the posterior reached on real
# frames: imagination is trusted a little way beyond what was seen, not further.
#
# The figure sets the open-loop error beside the reconstruction, the one-step prediction and the mean
# frame. On its right is the share of random episodes with at least one slip within $k$ steps,
# $1 - (1 - 0.08)^k$: a random policy moves on four steps in five, and a move slips one time in ten.

# %%
if MUST_REACH:
    assert OPEN_LOOP[0] < OPEN_LOOP[-1], "errors should grow with the horizon"
SLIP_PER_STEP = 0.8 * env.slip  # a random policy moves on 4 steps in 5, and a move slips 1 in 10
slipped = [1 - (1 - SLIP_PER_STEP) ** k for k in range(1, OPEN_LOOP_STEPS + 1)]
viz.horizon_figure(OPEN_LOOP, RECON_WRONG, ONE_STEP_WRONG, MEAN_FRAME_WRONG, slipped,
                   name="l07-horizon",
                   alt=("Pixels wrong per frame against the number of steps imagined since the "
                        "last frame: the open-loop curve starts near the one-step prediction's "
                        "error and climbs with every step towards the mean frame's error, far "
                        "above the reconstruction's; on the right, the expected share of random "
                        "episodes with at least one slip, rising with the steps."))

# %% [markdown]
# ## Did it learn to act?
#
# The real return of the episode played after each round, which the actor never saw, and the mean
# imagined $\lambda$-return it trained on:

# %%
real_returns = [record.real_return for record in run.records]
viz.behaviour_figure(real_returns, [record.imagined_return for record in run.records],
                     RANDOM.mean_return.mean, SHORTEST.mean_return.mean, name="l07-learning",
                     alt=("The real return of each training episode rising over the rounds from "
                          "the random policy's level towards the shortest path's, and the mean "
                          "imagined return rising with it."))

# %% [markdown]
# The two curves are not on one scale: the real return adds up 20 real rewards, while the imagined
# $\lambda$-return discounts 10 imagined ones by $\gamma = 0.9$ and leans on the critic. What matters
# is that they rise together. The test that counts is played for real: 200 fresh episodes with the
# trained agent choosing its most likely action, scored as the two baselines were.

# %%
AGENT = score(evaluate(run.agent, world(), EVAL_EPISODES, seed=7))
policies = (("trained in imagination (most likely action)", AGENT), ("random", RANDOM),
            ("shortest path, from the true state", SHORTEST))
rows = []
for name, result in policies:
    returns = result.mean_return
    rows.append([name, result.reached.text(), f"{returns.mean:.2f} ± {returns.error:.2f}"])
show_table(["policy", "reaches the target", "mean return ± SE"], rows,
           caption=(f"{EVAL_EPISODES} real episodes each, the agent's from the same starts as the "
                    f"shortest path's; the agent sees only the frames and learned from "
                    f"{REAL_STEPS:,} real steps in all."))
assert AGENT.reached.low >= MUST_REACH, "it should reach the target, beyond doubt"
if MUST_REACH:
    assert AGENT.reached.low > 3 * RANDOM.reached.high, "far more often than a random policy"

# %% [markdown]
# ## What it learned
#
# To see the policy, put the block on a cell, let the model watch it sit there for three frames, and
# ask the actor for its most likely action. `belief_at` does the watching, in a world without slips;
# `moves_closer` judges an action by the world's true distances, which the agent never sees.

# %%
def placed(cell):
    """A world without slips, with the block put on ``cell``."""
    here = world(slip=0.0)
    here.reset(seed=0)
    here.agent = cell
    return here


def belief_at(agent, cell):
    """The model's state after seeing the block sit on ``cell`` for three frames."""
    frame = placed(cell).frame()
    steps = [(None, frame, 0.0), (STAY, frame, 0.0), (STAY, frame, 0.0)]  # it stays: the same frame
    return agent.model.filter(steps)[-1]


def moves_closer(cell, action):
    here = placed(cell)
    before = here.distance()
    here.step(action)
    return here.distance() < before


# %% [markdown]
# Three frames rather than one, because a sequence's first frame is a special moment for the model: it
# has only just been told where the block is (the KL above is largest there), while in play the actor
# decides from states that have seen frames before. Over every cell, the map of the policy, read off
# pixels alone ([ ] marks the target):

# %%
chosen = {}
for row in range(env.cells):
    for col in range(env.cells):
        h, z = belief_at(run.agent, (row, col))
        chosen[row, col] = argmax(run.agent.actor.forward(h + z))
print(viz.policy_map(chosen, env.cells, TARGET))
others = [cell for cell in chosen if cell != TARGET]
CLOSER = sum(moves_closer(cell, chosen[cell]) for cell in others) / len(others)
print(f"\nthe most likely action moves the block closer to the target from {CLOSER:.0%} "
      "of the other cells")

# %% [markdown]
# On the target itself, set the actor's preference beside what the model predicts. From the belief on
# the target the model imagines one step of each action: the reward predictor says what the step pays,
# the critic what the state after it is worth, and $\hat r + \gamma v$ is one step of look-ahead, a
# choice that needs nothing but the model and the critic:

# %%
h, z = belief_at(run.agent, TARGET)
probabilities = softmax(run.agent.actor.forward(h + z))
after = [model.imagine_step(h, z, a) for a in range(5)]
rewards_after = [model.predict_reward(*state) for state in after]
values_after = [run.agent.critic.forward(h_next + z_next)[0] for h_next, z_next in after]
look_ahead = [r + CONFIG.gamma * v for r, v in zip(rewards_after, values_after)]
rows = [[ACTION_NAMES[a], f"{probabilities[a]:.2f}", f"{rewards_after[a]:.2f}",
         f"{values_after[a]:.2f}", f"{look_ahead[a]:.2f}"] for a in range(5)]
show_table(["action at the target", "probability", "imagined reward r̂",
            "critic's value v after it", "r̂ + γ v"], rows,
           caption="On the target: the actor's probabilities, and one imagined step of each "
                   "action.")
print(f"on the target, the actor's most likely action: {ACTION_NAMES[chosen[TARGET]]}")
print(f"the model's reward for staying, over the best move's: "
      f"{rewards_after[STAY] - max(rewards_after[1:]):+.2f}")
print(f"one step of look-ahead with the critic picks: {ACTION_NAMES[argmax(look_ahead)]}")
if MUST_REACH:  # what every training seed measured shares (see below); the rest is this run's
    assert CLOSER >= 0.9, "the policy should point towards the target from almost every cell"

# %% [markdown]
# From almost every cell the arrow points a shortest way to the target (the share is printed above),
# learned from pixels and from episodes the model imagined. In the run shown here, the flaw is on the
# target itself: the actor
# would rather step off than stay, so the agent arrives and then oscillates, on the target and off, which
# is why its return falls short of the shortest path's although it reaches the target in nearly every
# episode. The model knows better. It predicts a reward near 1 for staying and about 0.6 for a move (the
# truth is 0.55: a half, or 1 when the move slips), and even one step of look-ahead with the critic, $\hat
# r + \gamma v$, picks "stay". So the model and the critic are not what is wrong; the actor's learning is.
# We have not tested which of these matters most, but three things work against it: staying beats stepping
# off and back by only a few tenths of imagined return, and that is divided by the return scale $S$, a few
# units here, before it reaches the actor; imagined states are drawn from a prior as wide as it is allowed
# to be, so "on the target" blurs into its neighbours; and a smooth network that says "right" just left of
# the target and "up" just below it needs a sharp exception at one cell in 64 to say "stay". More rounds, a
# larger actor or a narrower prior might help. The lesson in it is Dreamer's division of labour: a good
# model is necessary, not sufficient, and the behaviour is only as good as its learning in imagination.
#
# ## One training run, and two more
#
# Everything above is one agent, trained from seed 0, and the intervals on this page are about its
# 200 evaluation episodes: how much another 200 episodes could move its score. They say nothing about
# another training run, which would train another agent. A run takes about a minute and a half here,
# and the site's build, which runs every lesson, cannot afford three of them within its time budget.
# So the other seeds were measured separately, by running this whole page with `--seed 1` and
# `--seed 2` (`python scripts/seed_sweep.py l07 --seeds 1 2`, on 3 December 2026, about 110 s each):
#
# | training seed | reaches the target | mean return ± SE | the page's checks |
# |---|---|---|---|
# | 1 | 200 of 200 (98% to 100%, 95% interval) | 12.96 ± 0.12 | all hold |
# | 2 | 176 of 200 (83% to 92%, 95% interval) | 10.52 ± 0.15 | all hold |
#
# With this page's own agent, the three reach the target in 96% of their episodes on average, from
# 88% to 100%: the headline holds for every seed measured, and the spread between training runs is
# wider than the interval of any one of them. What does not hold for every seed is the story of the
# target above. Seed 2's agent steps off the target too, but its model predicts hardly more for
# staying than for the best move (0.54 against 0.53, where the truth is about 1 against 0.55), and one
# step of look-ahead with its critic picks "down": there, the model and the critic share the blame.
# So the page checks only what all three agents share, and prints the target's story for whichever
# run a reader makes.

# %% [markdown]
# ## Watching it play
#
# The agent plays one real episode after pretraining (its actor still untrained), one after a quarter of
# the rounds, and one at the end, from the same start, choosing its most likely action. On the left, the
# real frame, the model's reconstruction of it, and the frame it imagines for this step from the
# episode's first frame and the actions taken since, without a frame in between. In the middle, the
# actor's dream from the current state: the next five frames the model imagines when the actor picks,
# and the reward it predicts for each of ten imagined steps, against the rewards that really came
# (dots). On the right, the model's reconstruction loss and the real return per episode in training.

# %%
shown = [viz.played_episode(run.snapshots[k], k, world(), CONFIG.horizon, seed=21)
         for k in sorted(run.snapshots)]
animation = viz.play_animation(
    shown, env.side, reconstruction, CONFIG.pretrain, CONFIG.updates_per_episode, real_returns,
    name="l07-reach", mark=(*TARGET, env.size),
    alt=("The agent after 0, a quarter and all of the rounds playing one episode each. Left: the "
         "real frame, its reconstruction, and the model's open-loop imagination of it. Middle: the "
         "next frames the model imagines for the actor's choices, and the predicted rewards. "
         "Right: training curves."))

# %% [markdown]
# Down the last two columns of the table runs the actor's learning: the real return of the episodes it
# played while training, and of the greedy episodes the animation shows. The reconstruction column is
# the model, which goes on learning alongside, from the episodes the actor adds to the replay.

# %%
rounds = sorted({*range(0, ROUNDS + 1, max(1, ROUNDS // 8)), *run.snapshots})
rows = viz.trace_rows(rounds, shown, reconstruction, real_returns, CONFIG.pretrain,
                      CONFIG.updates_per_episode)
show_table(["round", "model updates so far", "reconstruction (nats, 25-update mean)",
            "real return (10-episode mean)", "greedy episode shown: return"], rows,
           caption=f"The animation's right pane in numbers; the first {CONFIG.pretrain} model "
                   "updates are pretraining, before round 1. A round shows the episode the agent "
                   "plays after it, where the animation has one.",
           frames=animation.frames_at(rounds))

# %% [markdown]
# ## What is different from the papers, and why
#
# | part | Dreamer (2020) | here |
# |---|---|---|
# | observations | 64 x 64 colour images, convolutional encoder and decoder | 10 x 10 binary images, dense layers |
# | decoder | Gaussian over pixel intensities | Bernoulli per pixel |
# | model state | GRU of 200 units, 30-dimensional Gaussian $z$ | GRU of 16 units, 4-dimensional Gaussian $z$ |
# | spread of $z$ | unbounded above | $\sigma$ between 0.05 and 1 |
# | KL | free nats 3 | free nats 1 (DreamerV3), balancing 0.8 (DreamerV2) |
# | actor | continuous, returns backpropagated through the model | 5 actions, likelihood ratio (DreamerV2, V3) |
# | advantages | (no normalisation) | divided by the batch's return spread $S$ (DreamerV3: a running average) |
# | imagination | 15 steps from all 2,500 states of a batch, $\gamma = 0.99$ | 10 steps from 16, $\gamma = 0.9$ |
# | model training | batches of 50 sequences of 50 steps, Adam 6e-4 | 4 sequences of 8 steps, Adam 5e-3 |
# | actor and critic | Adam 8e-5 | Adam 3e-3 and 1e-3 |
# | data | 5 random episodes, then one episode per 100 updates | 100 random episodes, then one per 5 updates |
# | training runs | several seeds per task | one on this page; seeds 1 and 2 measured separately (above) |
#
# Everything is smaller because everything runs in plain Python on one core, and larger step sizes make
# up for fewer updates; the discount is shorter because the episodes last 20 steps. What is the paper's:
# the recurrent state-space model with a deterministic and a stochastic part, the reconstruction, reward
# and KL terms, learning the behaviour only from imagined trajectories that start at states of real
# sequences, and a critic on $\lambda$-returns with $\lambda = 0.95$. The reward is shaped (it halves
# with each move away from the target) because with a reward on the target alone a random policy is paid
# on fewer than two steps in a hundred, too rare for the reward predictor to learn in the few hundred
# updates this page can afford.
