r"""A recurrent state-space model in the manner of Hafner et al.'s Dreamer: a world model learned from frames.

The model's state at time $t$ has two parts: a deterministic $h_t$, the memory, carried by a GRU, and a
stochastic $z_t$, a diagonal Gaussian sample. Written as the papers write it:

    h_t = GRU(h_{t-1}, [z_{t-1}; a_{t-1}])          the memory moves on with the last latent and action
    z_t ~ q(z_t | h_t, e_t),  e_t = enc(o_t)         posterior: what the frame says, used when there is one
    z_hat_t ~ p(z_hat_t | h_t)                       prior: the guess without the frame, used to imagine
    o_t ~ p(o_t | h_t, z_t)                          decoder: independent Bernoulli pixels
    r_t ~ N(r(h_t, z_t), 1)                          reward predictor

and the loss of a sequence, per step, is the frame's negative log-likelihood, the reward's squared error,
and the KL from posterior to prior, which teaches the prior to predict what the frame will show:

    L = -log p(o_t | h_t, z_t) + (1/2)(r(h_t, z_t) - r_t)^2 * reward_scale + beta max(free_nats, KL(q || p))

Backpropagation runs through the whole sequence: the heads' gradients reach $h_t$ and $z_t$, $z_t$'s reach
the posterior through the reparameterisation $z = \mu + \sigma \epsilon$, and the GRU carries them back in time.
"""

import math
from dataclasses import dataclass

from policywerk.math.random import Rng
from policywerk.nn.distributions import bernoulli_nll, gaussian_kl
from policywerk.nn.gru import GRUCell, GRUStep
from policywerk.nn.layers import minibatch, mlp


@dataclass(frozen=True)
class ModelConfig:
    embed: int = 16  # e_t: the encoder's features of a frame
    deter: int = 16  # h_t: the GRU's state
    stoch: int = 4  # z_t: the Gaussian latent
    hidden: int = 32  # hidden units of the prior, posterior, decoder and reward networks
    min_std: float = 0.05  # sigma = min_std + (max_std - min_std) sigmoid(raw): never collapses to 0 ...
    max_std: float = 1.0  # ... and never grows past this, so the prior cannot settle for a vague guess
    init_std: float = 0.1  # sigma at the start, for the prior and the posterior: a latent the decoder can read
    free_nats: float = 1.0  # the KL is not pushed below this (Dreamer: 3 nats; DreamerV3: 1)
    kl_scale: float = 1.0  # beta, the KL term's weight
    kl_balance: float = 0.8  # share of the KL's gradient that trains the prior (DreamerV2); the rest, the posterior
    reward_scale: float = 10.0  # the reward is one number against 100 pixels: weigh it up


def sigmoid(v: float) -> float:
    return 1.0 / (1.0 + math.exp(-v)) if v >= 0.0 else math.exp(v) / (1.0 + math.exp(v))


def one_hot(action: int | None, n: int) -> list[float]:
    return [1.0 if k == action else 0.0 for k in range(n)]


@dataclass
class Stats:
    """A diagonal Gaussian from a network's output: the first half the means, the second raw std values."""

    mu: list[float]
    sigma: list[float]
    raw: list[float]

    @property
    def log_std(self) -> list[float]:
        return [math.log(s) for s in self.sigma]


def stats(out: list[float], c: "ModelConfig") -> Stats:
    n = len(out) // 2
    return Stats(out[:n], [c.min_std + (c.max_std - c.min_std) * sigmoid(v) for v in out[n:]], out[n:])


def stats_grad(s: Stats, d_mu: list[float], d_log_std: list[float], c: "ModelConfig") -> list[float]:
    """Gradient with respect to the network's output, from gradients with respect to mu and log sigma:
    d log sigma / d raw = (max_std - min_std) sigmoid(raw) (1 - sigmoid(raw)) / sigma."""
    span = c.max_std - c.min_std
    return [*d_mu, *(g * span * sigmoid(r) * (1.0 - sigmoid(r)) / sg for g, r, sg in zip(d_log_std, s.raw, s.sigma))]


@dataclass
class Losses:
    reconstruction: float  # -log p(o | h, z) per frame, in nats (summed over pixels)
    reward: float  # (1/2)(r_pred - r)^2 per step
    kl: float  # KL(q || p) per step, before the free nats


@dataclass
class _Step:
    gru: GRUStep
    obs: list[float]
    h: list[float]
    z: list[float]
    e: list[float]
    post: Stats
    prior: Stats
    eps: list[float]
    d_feat: list[float]
    d_kl: tuple  # gradients of the (scaled) KL term, or None under the free nats


class WorldModel:
    def __init__(self, obs_size: int, n_actions: int, c: ModelConfig, rng: Rng):
        self.c, self.n_actions = c, n_actions
        self.encoder = mlp([obs_size, c.embed, c.embed], rng)
        self.gru = GRUCell(c.stoch + n_actions, c.deter, rng)
        self.prior = mlp([c.deter, c.hidden, 2 * c.stoch], rng)
        self.posterior = mlp([c.deter + c.embed, c.hidden, 2 * c.stoch], rng)
        self.decoder = mlp([c.deter + c.stoch, c.hidden, obs_size], rng)
        self.reward = mlp([c.deter + c.stoch, c.hidden, 1], rng)
        for net in (self.prior, self.posterior):  # the raw std outputs start where sigma = init_std
            last = net.layers[-1]
            share = (c.init_std - c.min_std) / (c.max_std - c.min_std)
            last.b[c.stoch:] = [math.log(share / (1.0 - share))] * c.stoch
        self.nets = (self.encoder, self.prior, self.posterior, self.decoder, self.reward)

    def parameters(self):
        return [pair for net in self.nets for pair in net.parameters()] + self.gru.parameters()

    def zero_grad(self) -> None:
        for net in self.nets:
            net.zero_grad()
        self.gru.zero_grad()

    def initial(self) -> tuple[list[float], list[float]]:
        return [0.0] * self.c.deter, [0.0] * self.c.stoch

    # --- one step, with and without the frame -------------------------------------------------------------------
    def advance(self, h: list[float], z: list[float], action: int | None) -> tuple[list[float], GRUStep]:
        return self.gru.step(z + one_hot(action, self.n_actions), h)

    def observe(self, h, z, action, obs, rng: Rng | None = None) -> tuple[list[float], list[float]]:
        """The next state given the frame: the posterior's sample (its mean if no ``rng``)."""
        h, _ = self.advance(h, z, action)
        post = stats(self.posterior.forward(h + self.encoder.forward(obs)), self.c)
        if rng is None:
            return h, post.mu
        return h, [m + s * rng.gauss(0.0, 1.0) for m, s in zip(post.mu, post.sigma)]

    def imagine_step(self, h, z, action, rng: Rng | None = None) -> tuple[list[float], list[float]]:
        """The next state without a frame: the prior's sample (its mean if no ``rng``)."""
        h, _ = self.advance(h, z, action)
        prior = stats(self.prior.forward(h), self.c)
        if rng is None:
            return h, prior.mu
        return h, [m + s * rng.gauss(0.0, 1.0) for m, s in zip(prior.mu, prior.sigma)]

    def filter(self, steps) -> list[tuple[list[float], list[float]]]:
        """The states (h, z) along a real episode of (previous action, frame, reward) steps, each from the
        frames up to it: the posterior's mean at every step, no sampling."""
        h, z = self.initial()
        states = []
        for action, obs, _ in steps:
            h, z = self.observe(h, z, action, obs)
            states.append((h, z))
        return states

    def beliefs(self, steps) -> list[tuple[Stats, Stats]]:
        """Along a real episode, filtered as ``filter`` does: at every step the posterior's Gaussian (with
        the frame) and the prior's (the guess before it)."""
        h, z = self.initial()
        out = []
        for action, obs, _ in steps:
            h, _ = self.advance(h, z, action)
            post = stats(self.posterior.forward(h + self.encoder.forward(obs)), self.c)
            out.append((post, stats(self.prior.forward(h), self.c)))
            z = post.mu
        return out

    def rollout(self, h, z, actions) -> list[tuple[list[float], list[float]]]:
        """Open-loop imagination from (h, z): the states the prior's means predict for ``actions``, one
        after the other, without seeing a frame."""
        states = []
        for action in actions:
            h, z = self.imagine_step(h, z, action)
            states.append((h, z))
        return states

    def decode(self, h, z) -> list[float]:
        """The frame the model expects: each pixel's probability of being lit."""
        return [sigmoid(v) for v in self.decoder.forward(h + z)]

    def predict_reward(self, h, z) -> float:
        return self.reward.forward(h + z)[0]

    # --- learning from sequences --------------------------------------------------------------------------------
    def learn(self, sequences, rng: Rng) -> tuple[Losses, list[tuple[list[float], list[float]]]]:
        """Accumulate the gradients of the mean loss over ``sequences``, each a list of (previous action,
        frame, reward) steps; the first step's previous action is None. Returns the mean losses and every
        posterior state (h, z), the starting points for imagination."""
        self.zero_grad()
        scale = 1.0 / sum(len(seq) for seq in sequences)
        total, states = Losses(0.0, 0.0, 0.0), []
        with minibatch(*self.nets, self.gru):
            for seq in sequences:
                steps = self._forward(seq, rng, scale, total)
                states += [(s.h, s.z) for s in steps]
                self._backward(steps)
        return total, states

    def _forward(self, seq, rng: Rng, scale: float, total: Losses) -> list["_Step"]:
        """Run the model along one sequence with the frames (posterior samples), adding each step's losses
        to ``total`` and keeping what the backward pass needs, with the heads' gradients already taken."""
        c = self.c
        h, z = self.initial()
        steps = []
        for action, obs, reward in seq:
            h, gru_step = self.advance(h, z, action)
            e = self.encoder.forward(obs)
            post = stats(self.posterior.forward(h + e), c)
            prior = stats(self.prior.forward(h), c)
            eps = [rng.gauss(0.0, 1.0) for _ in post.mu]
            z = [m + s * n for m, s, n in zip(post.mu, post.sigma, eps)]  # reparameterised: z = mu + sigma eps
            kl, d_kl = gaussian_kl(post.mu, post.log_std, prior.mu, prior.log_std)
            feat = h + z
            nll, d_logits = bernoulli_nll(self.decoder.forward(feat), obs)
            d_feat = self.decoder.backward([g * scale for g in d_logits], input_grad=True)
            r_pred = self.reward.forward(feat)[0]
            d_r = self.reward.backward([(r_pred - reward) * c.reward_scale * scale], input_grad=True)
            total.reconstruction += nll * scale
            total.reward += 0.5 * (r_pred - reward) ** 2 * scale
            total.kl += kl * scale
            steps.append(_Step(gru_step, obs, h, z, e, post, prior, eps, [a + b for a, b in zip(d_feat, d_r)],
                               None if kl < c.free_nats else self._balanced(d_kl, c.kl_scale * scale)))
        return steps

    def _balanced(self, d_kl, scale: float) -> tuple:
        """KL balancing: the prior moves towards the posterior faster than the posterior towards the prior,
        so the frame's evidence is not pulled back to the prior's guess."""
        to_posterior, to_prior = (1.0 - self.c.kl_balance) * scale, self.c.kl_balance * scale
        d_mu_q, d_ls_q, d_mu_p, d_ls_p = d_kl
        return ([g * to_posterior for g in d_mu_q], [g * to_posterior for g in d_ls_q],
                [g * to_prior for g in d_mu_p], [g * to_prior for g in d_ls_p])

    def _backward(self, steps: list[_Step]) -> None:
        """Backpropagation through time over one sequence, last step first."""
        c = self.c
        dh_next, dz_next = [0.0] * c.deter, [0.0] * c.stoch
        for s in reversed(steps):
            dh = [a + b for a, b in zip(s.d_feat[:c.deter], dh_next)]
            dz = [a + b for a, b in zip(s.d_feat[c.deter:], dz_next)]
            # z = mu + sigma * eps, and the KL's own pull on the posterior and the prior
            d_mu_q, d_ls_q = dz[:], [g * sg * n for g, sg, n in zip(dz, s.post.sigma, s.eps)]
            d_mu_p, d_ls_p = [0.0] * c.stoch, [0.0] * c.stoch
            if s.d_kl is not None:
                k_mu_q, k_ls_q, k_mu_p, k_ls_p = s.d_kl
                d_mu_q = [a + b for a, b in zip(d_mu_q, k_mu_q)]
                d_ls_q = [a + b for a, b in zip(d_ls_q, k_ls_q)]
                d_mu_p, d_ls_p = k_mu_p, k_ls_p
            self.posterior.forward(s.h + s.e)  # recompute, so the layers hold this step's inputs again
            d_he = self.posterior.backward(stats_grad(s.post, d_mu_q, d_ls_q, c), input_grad=True)
            dh = [a + b for a, b in zip(dh, d_he[:c.deter])]
            self.encoder.forward(s.obs)
            self.encoder.backward(d_he[c.deter:])
            if s.d_kl is not None:
                self.prior.forward(s.h)
                dh = [a + b for a, b in zip(dh, self.prior.backward(stats_grad(s.prior, d_mu_p, d_ls_p, c),
                                                                    input_grad=True))]
            dx, dh_next = self.gru.backward(dh, s.gru)
            dz_next = dx[:c.stoch]
