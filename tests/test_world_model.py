"""The world model's whole backward pass (decoder, reward head, KL, reparameterisation, posterior,
encoder, prior and the GRU through time) against finite differences of its loss."""

import math
import re

import pytest

from conftest import central_differences
from policywerk.agents.world_model import ModelConfig, WorldModel, one_hot, stats
from policywerk.math.random import Rng
from policywerk.nn.gru import GRUCell
from policywerk.nn.layers import Dense, Sequential


def tiny(free_nats=0.0):
    c = ModelConfig(embed=3, deter=3, stoch=2, hidden=3, free_nats=free_nats, reward_scale=2.0,
                    kl_balance=0.5)
    model = WorldModel(obs_size=6, n_actions=2, c=c, rng=Rng(5))
    rng = Rng(9)
    for values, _ in model.parameters():  # biases away from 0, so that no path is silent
        values[:] = [v + rng.uniform(-0.3, 0.3) for v in values]
    data = Rng(2)

    def step(t):
        action = None if t == 0 else data.randrange(2)
        return action, [float(data.random() < 0.4) for _ in range(6)], float(data.random() < 0.5)

    sequences = [[step(t) for t in range(3)] for _ in range(2)]
    return model, sequences


def loss_of(model, sequences):
    """The loss ``learn`` takes the gradient of, from the same samples: per step, reconstruction,
    c_r times the reward's loss and beta max(F, KL), averaged over the steps. With KL balance 0.5,
    half of the KL's gradient reaches the posterior and half the prior: the gradient of KL / 2."""
    c, rng = model.c, Rng(1)
    steps = [s for seq in sequences for s in model._forward(seq, rng)]
    return sum(s.losses.reconstruction + c.reward_scale * s.losses.reward
               + 0.5 * c.kl_scale * max(c.free_nats, s.losses.kl) for s in steps) / len(steps)


@pytest.mark.parametrize("free_nats", [0.0, 5.0, 100.0])  # the KL of 6 steps, 2 steps, no step
def test_every_gradient_matches_finite_differences(free_nats):
    model, sequences = tiny(free_nats)
    model.learn(sequences, Rng(1))
    grads = [list(g) for _, g in model.parameters()]
    eps = 1e-6
    checked = 0
    for (values, _), analytic in zip(model.parameters(), grads):
        for i in range(len(values)):
            keep = values[i]
            values[i] = keep + eps
            up = loss_of(model, sequences)
            values[i] = keep - eps
            down = loss_of(model, sequences)
            values[i] = keep
            assert analytic[i] == pytest.approx((up - down) / (2 * eps), rel=1e-4, abs=1e-7)
            checked += 1
    assert checked > 200


def kl_of(q, p):
    """KL(q || p) of diagonal Gaussians, summed over dimensions, from their means and standard deviations."""
    return sum(math.log(sp / sq) + (sq * sq + (mq - mp) ** 2) / (2 * sp * sp) - 0.5
               for mq, sq, mp, sp in zip(q.mu, q.sigma, p.mu, p.sigma))


def test_the_kl_balance_gives_the_prior_its_share_of_the_kl_gradient_and_the_posterior_the_rest():
    """kl_balance 0.8 and kl_scale 2: learn's gradient is that of the mean of reconstruction + c_r reward loss
    + beta (0.8 KL(sg(q) || p) + 0.2 KL(q || sg(p))), where sg holds a Gaussian at its value at the current
    weights. Checked by central differences in the last layers of the prior (which only the KL reaches) and
    of the posterior (which the KL, through z, and every later step reach)."""
    model, sequences = tiny()
    c = ModelConfig(embed=3, deter=3, stoch=2, hidden=3, free_nats=0.0, reward_scale=2.0, kl_balance=0.8,
                    kl_scale=2.0)
    model.c = c
    rng = Rng(1)
    fixed = [(s.q, s.p) for seq in sequences for s in model._forward(seq, rng)]

    def loss():
        rng = Rng(1)
        steps = [s for seq in sequences for s in model._forward(seq, rng)]
        return sum(s.losses.reconstruction + c.reward_scale * s.losses.reward
                   + c.kl_scale * (0.8 * kl_of(q0, s.p) + 0.2 * kl_of(s.q, p0))
                   for s, (q0, p0) in zip(steps, fixed, strict=True)) / len(steps)

    model.learn(sequences, Rng(1))
    checked = [model.prior.layers[-1], model.posterior.layers[-1]]
    pairs = [pair for layer in checked for pair in layer.parameters()]
    analytic = [list(g) for _, g in pairs]
    for grads, numeric in zip(analytic, central_differences(pairs, loss), strict=True):
        assert grads == pytest.approx(numeric, rel=1e-5, abs=1e-8)


def test_the_free_nats_stop_the_kl_gradient_only_below_them():
    """One step whose KL is k: with F = k the KL term still has its gradient (max(F, KL) is KL from F on), and
    the prior, which nothing else reaches, learns; with F the next float above k, it gets nothing."""
    model, sequences = tiny()
    sequence = [sequences[0][:1]]
    (step,) = model._forward(sequence[0], Rng(1))
    k = step.losses.kl
    assert k > 0.0
    for free_nats, learns in ((k, True), (math.nextafter(k, math.inf), False)):
        model.c = ModelConfig(embed=3, deter=3, stoch=2, hidden=3, free_nats=free_nats, reward_scale=2.0,
                              kl_balance=0.5)
        model.learn(sequence, Rng(1))
        assert any(g != 0.0 for _, grads in model.prior.parameters() for g in grads) == learns


def test_a_new_models_prior_and_posterior_start_at_sigma_init_std():
    """Their last layers' biases put sigma at init_std wherever the raw std outputs' weighted sums are 0: at
    h = 0 the prior's hidden ReLUs are off (their biases start at 0), so its sigma is exactly that."""
    for init_std in (0.1, 0.4):
        c = ModelConfig(deter=3, stoch=2, hidden=4, min_std=0.05, max_std=1.0, init_std=init_std)
        model = WorldModel(obs_size=4, n_actions=2, c=c, rng=Rng(0))
        prior = stats(model.prior.forward([0.0] * 3), c)
        assert prior.sigma == pytest.approx([init_std] * 2, rel=1e-12) and prior.mu == [0.0, 0.0]
        for net in (model.prior, model.posterior):
            share = (init_std - 0.05) / 0.95
            assert net.layers[-1].b == pytest.approx([0.0, 0.0] + [math.log(share / (1 - share))] * 2, rel=1e-12)


def test_model_config_defaults_are_lesson_07s_settings():
    """Lesson 07 and Dreamer's Config() use ModelConfig(): these are the sizes and weights its text is about."""
    assert ModelConfig() == ModelConfig(embed=16, deter=16, stoch=4, hidden=32, min_std=0.05, max_std=1.0,
                                        init_std=0.1, free_nats=1.0, kl_scale=1.0, kl_balance=0.8,
                                        reward_scale=10.0)


def test_the_losses_learn_reports_are_the_means_over_the_steps():
    model, sequences = tiny()
    losses, states = model.learn(sequences, Rng(1))
    rng = Rng(1)
    steps = [s for seq in sequences for s in model._forward(seq, rng)]
    assert states == [(s.h, s.z) for s in steps]
    for term in ("reconstruction", "reward", "kl"):
        mean = sum(getattr(s.losses, term) for s in steps) / len(steps)
        assert getattr(losses, term) == pytest.approx(mean, rel=1e-12)


def test_the_backward_pass_runs_no_forward_pass(monkeypatch):
    """Everything backpropagation needs was kept on the way forward."""
    model, sequences = tiny()
    steps = model._forward(sequences[0], Rng(1))

    def refuse(*args, **kwargs):
        raise AssertionError("a forward pass inside the backward pass")

    for cls, name in ((Sequential, "trace"), (Dense, "forward"), (GRUCell, "step")):
        monkeypatch.setattr(cls, name, refuse)
    model.zero_grad()
    model._backward(steps, 1.0)
    assert any(v != 0.0 for _, grads in model.parameters() for v in grads)


def pixels_wrong(probabilities, frame):
    return sum((p > 0.5) != (x > 0.5) for p, x in zip(probabilities, frame))


def test_the_model_learns_to_draw_and_to_predict_frames_better_than_the_mean_frame():
    """150 updates on random play in a 4 x 4 Reach: on held-out episodes, the reconstruction from
    the posterior and the one-step prediction from the prior both get far fewer pixels wrong than
    the mean frame of the training data."""
    from policywerk.agents.dreamer import Config, random_episode, train
    from policywerk.worlds.reach import Reach

    run = train(Reach(cells=4, target=(1, 2)), 0, Config(prefill=30, pretrain=150), seed=0)
    model = run.agent.model
    frames = [obs for episode in run.episodes for _, obs, _ in episode]
    mean_frame = [sum(column) / len(frames) for column in zip(*frames)]
    wrong = {"reconstruction": 0, "prediction": 0, "mean frame": 0}
    for k in range(10):
        episode = random_episode(Reach(cells=4, target=(1, 2)), Rng(50 + k))
        states = model.filter(episode)
        for t in range(1, len(episode)):
            action, frame, _ = episode[t]
            wrong["reconstruction"] += pixels_wrong(model.decode(*states[t]), frame)
            predicted = model.decode(*model.imagine_step(*states[t - 1], action))
            wrong["prediction"] += pixels_wrong(predicted, frame)
            wrong["mean frame"] += pixels_wrong(mean_frame, frame)
    assert wrong["reconstruction"] < 0.3 * wrong["mean frame"]
    assert wrong["prediction"] < 0.6 * wrong["mean frame"]
    losses = run.model_losses
    first, last = losses[:20], losses[-20:]
    assert sum(x.reconstruction for x in last) < 0.3 * sum(x.reconstruction for x in first)


def test_filtering_and_open_loop_rollouts_follow_observe_and_imagine_step():
    model, sequences = tiny()
    steps = sequences[0]
    states = model.filter(steps)
    h, z = model.initial()
    for (action, obs, _), state in zip(steps, states):
        h, z = model.observe(h, z, action, obs)
        assert state == (h, z)
    rolled = model.rollout(*states[0], [1, 0])
    assert rolled[0] == model.imagine_step(*states[0], 1)
    assert rolled[1] == model.imagine_step(*rolled[0], 0)


def test_with_an_rng_observe_and_imagine_step_sample_around_their_means():
    """z = mu + sigma * noise, the posterior's (from h and the frame) or the prior's (from h alone)."""
    model, sequences = tiny()
    h, z = model.initial()
    obs = sequences[0][1][1]
    mean_h, mean_z = model.observe(h, z, 1, obs)
    post = stats(model.posterior.forward(mean_h + model.encoder.forward(obs)), model.c)
    prior = stats(model.prior.forward(mean_h), model.c)
    assert mean_z == post.mu and model.imagine_step(h, z, 1) == (mean_h, prior.mu)
    for step, s in ((lambda rng: model.observe(h, z, 1, obs, rng), post),
                    (lambda rng: model.imagine_step(h, z, 1, rng), prior)):
        noise = Rng(4)
        assert step(Rng(4)) == (mean_h, [m + sd * noise.gauss(0.0, 1.0) for m, sd in zip(s.mu, s.sigma)])
        assert step(Rng(4))[1] != s.mu


def test_beliefs_follow_the_filtered_states():
    model, sequences = tiny()
    steps = sequences[1]
    beliefs = model.beliefs(steps)
    states = model.filter(steps)
    assert len(beliefs) == len(steps)
    for (post, prior), (_, z) in zip(beliefs, states):
        assert post.mu == z
        assert all(model.c.min_std <= s <= model.c.max_std for s in post.sigma + prior.sigma)
    h0, z0 = model.initial()
    first_action, _, _ = steps[0]
    h1, _ = model.advance(h0, z0, first_action)
    _, first_prior = beliefs[0]
    _, imagined_z = model.imagine_step(h0, z0, first_action)
    assert first_prior.mu == imagined_z
    assert len(h1) == model.c.deter


def test_a_saved_model_reads_back_float_for_float_and_predicts_the_same(tmp_path):
    model, sequences = tiny(free_nats=1.0)
    path = tmp_path / "model.json"
    model.save(path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith('{"format":"policywerk-world-model-1","obs_size":6,"n_actions":2,"config":{')
    assert text.endswith("]]}\n") and text.count("\n") == 1  # one compact line
    loaded = WorldModel.load(path)
    assert [v for v, _ in loaded.parameters()] == [v for v, _ in model.parameters()]
    assert loaded.c == model.c and (loaded.obs_size, loaded.n_actions) == (6, 2)
    states = model.filter(sequences[0])
    assert loaded.filter(sequences[0]) == states
    assert loaded.decode(*states[-1]) == model.decode(*states[-1])


def test_loading_refuses_a_file_that_is_not_a_saved_model_or_does_not_fit(tmp_path):
    path = tmp_path / "other.json"
    path.write_text('{"format": "something else"}')
    with pytest.raises(ValueError, match=rf"^{re.escape(str(path))} is not a saved world model "
                                         r"\(policywerk-world-model-1\)$"):
        WorldModel.load(path)
    model, _ = tiny()
    model.save(path)
    cut = path.read_text().replace('"parameters":[[', '"parameters":[[0.5,', 1)
    path.write_text(cut)
    with pytest.raises(ValueError, match=rf"^{re.escape(str(path))}: its parameters do not fit a model of its "
                                         r"own sizes$"):
        WorldModel.load(path)


def test_a_sequence_runs_step_by_step_as_the_model_says():
    """_forward from the zero state: h_t = GRU(h_{t-1}, [z_{t-1}; one-hot a_{t-1}]), z_t = mu_q + sigma_q
    eps with eps standard normal from the generator in turn, the reward loss (1/2)(r(h_t, z_t) - r_t)^2,
    and a reward head of one output."""
    model, sequences = tiny()
    assert model.initial() == ([0.0] * 3, [0.0] * 2)
    assert one_hot(1, 3) == [0.0, 1.0, 0.0] and one_hot(None, 2) == [0.0, 0.0]
    noise, h, z = Rng(4), *model.initial()
    for (action, obs, reward), s in zip(sequences[1], model._forward(sequences[1], Rng(4))):
        h = model.gru.step(z + one_hot(action, 2), h)[0]
        q = stats(model.posterior.forward(h + model.encoder.forward(obs)), model.c)
        eps = [noise.gauss(0.0, 1.0) for _ in q.mu]
        z = [m + sd * e for m, sd, e in zip(q.mu, q.sigma, eps)]
        predicted = model.reward.forward(h + z)
        assert (s.h, s.eps, s.z, len(predicted)) == (h, eps, z, 1)
        assert s.losses.reward == 0.5 * (predicted[0] - reward) ** 2
    changed = [(1 - a if a is not None else None, obs, r) for a, obs, r in sequences[1]]
    assert model._forward(changed, Rng(4))[1].h != model._forward(sequences[1], Rng(4))[1].h  # a_0 counts
