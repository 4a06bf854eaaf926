"""The world model's whole backward pass (decoder, reward head, KL, reparameterisation, posterior,
encoder, prior and the GRU through time) against finite differences of its loss."""

import pytest

from policywerk.agents.world_model import ModelConfig, WorldModel
from policywerk.math.random import Rng


def tiny(free_nats=0.0):
    c = ModelConfig(embed=3, deter=3, stoch=2, hidden=3, free_nats=free_nats, reward_scale=2.0, kl_balance=0.5)
    model = WorldModel(obs_size=6, n_actions=2, c=c, rng=Rng(5))
    rng = Rng(9)
    for values, _ in model.parameters():  # biases away from 0, so that no path is silent
        values[:] = [v + rng.uniform(-0.3, 0.3) for v in values]
    data = Rng(2)
    sequences = [[(None if t == 0 else data.randrange(2), [float(data.random() < 0.4) for _ in range(6)],
                   float(data.random() < 0.5)) for t in range(3)] for _ in range(2)]
    return model, sequences


def loss_of(model, sequences, c):
    losses, _ = model.learn(sequences, Rng(1))
    return losses.reconstruction + c.reward_scale * losses.reward + 0.5 * max(losses.kl, 0.0)  # balance 0.5: half


def test_every_gradient_matches_finite_differences():
    model, sequences = tiny()
    model.learn(sequences, Rng(1))
    grads = [list(g) for _, g in model.parameters()]
    eps = 1e-6
    checked = 0
    for (values, _), analytic in zip(model.parameters(), grads):
        for i in range(len(values)):
            keep = values[i]
            values[i] = keep + eps
            up = loss_of(model, sequences, model.c)
            values[i] = keep - eps
            down = loss_of(model, sequences, model.c)
            values[i] = keep
            assert analytic[i] == pytest.approx((up - down) / (2 * eps), rel=1e-4, abs=1e-7)
            checked += 1
    assert checked > 200
