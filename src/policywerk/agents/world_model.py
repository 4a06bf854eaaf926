r"""A recurrent state-space model in the manner of Hafner et al.'s Dreamer: a world model learned
from frames.

The model's state at time $t$ has two parts: a deterministic $h_t$, the memory, carried by a GRU,
and a stochastic $z_t$, a diagonal Gaussian sample. Written as the papers write it:

    h_t = GRU(h_{t-1}, [z_{t-1}; a_{t-1}])   the memory moves on with the last latent and action
    z_t ~ q(z_t | h_t, e_t), e_t = enc(o_t)   posterior: what the frame says, when there is one
    z_hat_t ~ p(z_hat_t | h_t)                prior: the guess without the frame, to imagine with
    o_t ~ p(o_t | h_t, z_t)                   decoder: independent Bernoulli pixels
    r_t ~ N(r(h_t, z_t), 1)                   reward predictor

and the loss of a sequence, per step, is the frame's negative log-likelihood, the reward's squared
error, and the KL from posterior to prior, which teaches the prior to predict what the frame shows:

    L = -log p(o_t | h_t, z_t) + (c_r / 2)(r(h_t, z_t) - r_t)^2 + beta max(F, KL(q || p))

Backpropagation runs through the whole sequence: the heads' gradients reach $h_t$ and $z_t$, $z_t$'s
reach the posterior through the reparameterisation $z = \mu + \sigma \epsilon$, and the GRU carries
them back in time. The forward pass keeps, per step, what every network's backward pass needs.
"""

import json
import math
from dataclasses import asdict, dataclass
from pathlib import Path

from policywerk.math.random import Rng
from policywerk.math.scalars import sigmoid
from policywerk.math.vectors import add, times
from policywerk.nn.distributions import KLGrads, bernoulli_nll, gaussian_kl
from policywerk.nn.gru import GRUCell, GRUStep
from policywerk.nn.layers import Trace, minibatch, mlp

FORMAT = "policywerk-world-model-1"  # the first key of a saved model (``WorldModel.save``)


@dataclass(frozen=True)
class ModelConfig:
    embed: int = 16  # e_t: the encoder's features of a frame
    deter: int = 16  # h_t: the GRU's state
    stoch: int = 4  # z_t: the Gaussian latent
    hidden: int = 32  # hidden units of the prior, posterior, decoder and reward networks
    min_std: float = 0.05  # sigma = min_std + (max_std - min_std) sigmoid(raw): never 0 ...
    max_std: float = 1.0  # ... and never past this, so the prior cannot settle for a vague guess
    init_std: float = 0.1  # sigma at the start, prior and posterior: a latent the decoder can read
    free_nats: float = 1.0  # F: the KL is not pushed below this (Dreamer: 3 nats; DreamerV3: 1)
    kl_scale: float = 1.0  # beta, the KL term's weight
    kl_balance: float = 0.8  # the prior's share of the KL's gradient (DreamerV2), the rest q's
    reward_scale: float = 10.0  # c_r: the reward is one number against 100 pixels: weigh it up


def one_hot(action: int | None, n: int) -> list[float]:
    return [1.0 if k == action else 0.0 for k in range(n)]


@dataclass
class Stats:
    """A diagonal Gaussian from a network's output: the first half the means, the second raw std
    values."""

    mu: list[float]
    sigma: list[float]
    raw: list[float]

    @property
    def log_std(self) -> list[float]:
        return [math.log(s) for s in self.sigma]


def stats(out: list[float], c: "ModelConfig") -> Stats:
    n = len(out) // 2
    span = c.max_std - c.min_std
    return Stats(out[:n], [c.min_std + span * sigmoid(v) for v in out[n:]], out[n:])


def stats_grad(s: Stats, d_mu: list[float], d_log_std: list[float],
               c: "ModelConfig") -> list[float]:
    """Gradient with respect to the network's output, from gradients with respect to mu and log
    sigma: d log sigma / d raw = (max_std - min_std) sigmoid(raw) (1 - sigmoid(raw)) / sigma."""
    span = c.max_std - c.min_std
    return [*d_mu, *(g * span * sigmoid(r) * (1.0 - sigmoid(r)) / sg
                     for g, r, sg in zip(d_log_std, s.raw, s.sigma))]


@dataclass
class Losses:
    reconstruction: float  # -log p(o | h, z) per frame, in nats (summed over pixels)
    reward: float  # (1/2)(r_pred - r)^2 per step
    kl: float  # KL(q || p) per step, before the free nats


@dataclass
class _Step:
    """What one step of a sequence computed, all its backward pass needs."""

    h: list[float]
    z: list[float]
    gru: GRUStep  # h_t = GRU(h_{t-1}, [z_{t-1}; a_{t-1}])
    encoder: Trace  # e_t = enc(o_t)
    posterior: Trace  # q(z_t | h_t, e_t) ...
    q: Stats  # ... as a Gaussian
    prior: Trace  # p(z_t | h_t) ...
    p: Stats  # ... as a Gaussian
    eps: list[float]  # z_t = mu + sigma * eps
    decoder: Trace  # the logits of p(o_t | h_t, z_t)
    reward: Trace  # r(h_t, z_t)
    losses: Losses
    d_logits: list[float]  # d(-log p(o_t | h_t, z_t)) / d logits
    error: float  # r(h_t, z_t) - r_t
    d_kl: KLGrads  # d KL(q || p) / d(mu_q, log sigma_q, mu_p, log sigma_p)


class WorldModel:
    def __init__(self, obs_size: int, n_actions: int, c: ModelConfig, rng: Rng):
        self.c, self.obs_size, self.n_actions = c, obs_size, n_actions
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

    def save(self, path: Path) -> None:
        """Write the model to ``path`` as JSON: its sizes, its settings and every parameter, each
        float written so that it reads back as the same float."""
        parameters = [values for values, _ in self.parameters()]
        saved = {"format": FORMAT, "obs_size": self.obs_size, "n_actions": self.n_actions,
                 "config": asdict(self.c), "parameters": parameters}
        path.write_text(json.dumps(saved, separators=(",", ":")) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> "WorldModel":
        """The model ``save`` wrote to ``path``, parameter for parameter."""
        saved = json.loads(path.read_text(encoding="utf-8"))
        if saved.get("format") != FORMAT:
            raise ValueError(f"{path} is not a saved world model ({FORMAT})")
        model = cls(saved["obs_size"], saved["n_actions"], ModelConfig(**saved["config"]), Rng(0))
        mine = [values for values, _ in model.parameters()]
        if [len(v) for v in mine] != [len(v) for v in saved["parameters"]]:
            raise ValueError(f"{path}: its parameters do not fit a model of its own sizes")
        for values, stored in zip(mine, saved["parameters"]):
            values[:] = stored
        return model

    def zero_grad(self) -> None:
        for net in self.nets:
            net.zero_grad()
        self.gru.zero_grad()

    def initial(self) -> tuple[list[float], list[float]]:
        return [0.0] * self.c.deter, [0.0] * self.c.stoch

    # --- one step, with and without the frame ----------------------------------------------------
    def advance(self, h: list[float], z: list[float],
                action: int | None) -> tuple[list[float], GRUStep]:
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
        """The states (h, z) along a real episode of (previous action, frame, reward) steps, each
        from the frames up to it: the posterior's mean at every step, no sampling."""
        h, z = self.initial()
        states = []
        for action, obs, _ in steps:
            h, z = self.observe(h, z, action, obs)
            states.append((h, z))
        return states

    def beliefs(self, steps) -> list[tuple[Stats, Stats]]:
        """Along a real episode, filtered as ``filter`` does: at every step the posterior's Gaussian
        (with the frame) and the prior's (the guess before it)."""
        h, z = self.initial()
        out = []
        for action, obs, _ in steps:
            h, _ = self.advance(h, z, action)
            post = stats(self.posterior.forward(h + self.encoder.forward(obs)), self.c)
            out.append((post, stats(self.prior.forward(h), self.c)))
            z = post.mu
        return out

    def rollout(self, h, z, actions) -> list[tuple[list[float], list[float]]]:
        """Open-loop imagination from (h, z): the states the prior's means predict for ``actions``,
        one after the other, without seeing a frame."""
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

    # --- learning from sequences -----------------------------------------------------------------
    def learn(self, sequences, rng: Rng) -> tuple[Losses, list[tuple[list[float], list[float]]]]:
        """Accumulate the gradients of the mean loss over ``sequences``, each a list of (previous
        action, frame, reward) steps; the first step's previous action is None. Returns the mean
        losses and every posterior state (h, z), the starting points for imagination."""
        self.zero_grad()
        scale = 1.0 / sum(len(seq) for seq in sequences)  # the mean over all steps
        losses, states = [], []
        with minibatch(*self.nets, self.gru):  # speed: weight gradients added up once, at the end
            for seq in sequences:
                steps = self._forward(seq, rng)
                self._backward(steps, scale)
                losses += [s.losses for s in steps]
                states += [(s.h, s.z) for s in steps]
        mean = Losses(reconstruction=scale * sum(x.reconstruction for x in losses),
                      reward=scale * sum(x.reward for x in losses),
                      kl=scale * sum(x.kl for x in losses))
        return mean, states

    def _forward(self, seq, rng: Rng) -> list[_Step]:
        """Run the model along one sequence with its frames (posterior samples), keeping each step's
        losses, their gradients at the heads' outputs, and what every network's backward needs."""
        c = self.c
        h, z = self.initial()
        steps = []
        for action, obs, reward in seq:
            h, gru = self.advance(h, z, action)  # h_t = GRU(h_{t-1}, [z_{t-1}; a_{t-1}])
            encoder = self.encoder.trace(obs)  # e_t = enc(o_t)
            posterior = self.posterior.trace(h + encoder.output)  # q(z_t | h_t, e_t)
            prior = self.prior.trace(h)  # p(z_t | h_t), the guess without the frame
            q, p = stats(posterior.output, c), stats(prior.output, c)
            eps = [rng.gauss(0.0, 1.0) for _ in q.mu]
            z = [m + s * n for m, s, n in zip(q.mu, q.sigma, eps)]  # z_t = mu + sigma * eps
            decoder = self.decoder.trace(h + z)  # the logits of p(o_t | h_t, z_t)
            predicted = self.reward.trace(h + z)  # r(h_t, z_t)
            nll, d_logits = bernoulli_nll(decoder.output, obs)  # -log p(o_t | h_t, z_t)
            error = predicted.output[0] - reward  # r(h_t, z_t) - r_t
            kl, d_kl = gaussian_kl(q.mu, q.log_std, p.mu, p.log_std)  # KL(q || p)
            steps.append(_Step(h, z, gru, encoder, posterior, q, prior, p, eps, decoder, predicted,
                               Losses(nll, 0.5 * error ** 2, kl), d_logits, error, d_kl))
        return steps

    def _backward(self, steps: list[_Step], scale: float) -> None:
        """Backpropagation through time over one sequence, last step first, term by term; ``scale``
        makes every gradient one of the mean over all steps."""
        c = self.c
        dh_next, dz_next = [0.0] * c.deter, [0.0] * c.stoch  # from step t + 1 into h_t and z_t
        for s in reversed(steps):
            # reconstruction, -log p(o_t | h_t, z_t):  dL/dlogits = sigmoid(logits) - o_t
            d_hz = self.decoder.backward(times(scale, s.d_logits), s.decoder, input_grad=True)
            # reward, (c_r / 2)(r(h_t, z_t) - r_t)^2:  dL/dr = c_r (r(h_t, z_t) - r_t)
            d_r = [s.error * c.reward_scale * scale]
            d_hz = add(d_hz, self.reward.backward(d_r, s.reward, input_grad=True))
            dh, dz = add(d_hz[:c.deter], dh_next), add(d_hz[c.deter:], dz_next)
            # KL, beta max(F, KL(q || p)): no gradient under the free nats F; of the rest the prior
            # takes the share kl_balance (it learns to predict the frame), the posterior the rest
            d_mu_q, d_ls_q = [0.0] * c.stoch, [0.0] * c.stoch
            if s.losses.kl >= c.free_nats:
                to_p = c.kl_balance * c.kl_scale * scale
                to_q = (1.0 - c.kl_balance) * c.kl_scale * scale
                dkl = s.d_kl
                d_prior = stats_grad(s.p, times(to_p, dkl.mu_p), times(to_p, dkl.log_std_p), c)
                dh = add(dh, self.prior.backward(d_prior, s.prior, input_grad=True))
                d_mu_q, d_ls_q = times(to_q, dkl.mu_q), times(to_q, dkl.log_std_q)
            # z_t = mu + sigma * eps:  dL/dmu += dL/dz,  dL/dlog sigma += dL/dz * sigma * eps
            d_mu_q = add(d_mu_q, dz)
            d_ls_q = add(d_ls_q, [g * sg * e for g, sg, e in zip(dz, s.q.sigma, s.eps)])
            d_post = stats_grad(s.q, d_mu_q, d_ls_q, c)
            d_he = self.posterior.backward(d_post, s.posterior, input_grad=True)  # [h_t; e_t]
            self.encoder.backward(d_he[c.deter:], s.encoder)  # e_t = enc(o_t)
            # h_t = GRU(h_{t-1}, [z_{t-1}; a_{t-1}]): dL/dh_t from the heads, the prior, the
            # posterior and step t + 1, back one step in time
            dx, dh_next = self.gru.backward(add(dh, d_he[:c.deter]), s.gru)
            dz_next = dx[:c.stoch]
