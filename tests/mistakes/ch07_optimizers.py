"""Plausible wrong answers for chapter 7 (optimizers)."""

from __future__ import annotations

import math

import numpy as np

from tests.mistakes import mistake

# --------------------------------------------------------------------------
# SGD


@mistake("SGD", "velocity form v = mu*v - lr*g: wrong once lr changes", typical=True)
class SGDVelocityForm:
    """SGD with the velocity form of momentum."""

    def __init__(self, params, lr, momentum=0.0, nesterov=False, weight_decay=0.0):
        if nesterov and momentum <= 0:
            raise ValueError("Nesterov momentum requires momentum > 0")
        self.params = params
        self.lr = lr
        self.momentum = momentum
        self.nesterov = nesterov
        self.weight_decay = weight_decay
        self.vel = [np.zeros_like(p) for p in params]

    def step(self, grads):
        mu = self.momentum
        for i, (p, g) in enumerate(zip(self.params, grads, strict=True)):
            d = g + self.weight_decay * p
            self.vel[i] = mu * self.vel[i] - self.lr * d
            if self.nesterov:
                p += mu * self.vel[i] - self.lr * d
            else:
                p += self.vel[i]


@mistake("SGD", "rebinds each parameter to a new array instead of updating in place")
class SGDRebinds:
    """SGD that assigns new arrays into its list."""

    def __init__(self, params, lr, momentum=0.0, nesterov=False, weight_decay=0.0):
        if nesterov and momentum <= 0:
            raise ValueError("Nesterov momentum requires momentum > 0")
        self.params = [p for p in params]
        self.lr = lr
        self.momentum = momentum
        self.nesterov = nesterov
        self.weight_decay = weight_decay
        self.bufs = [None] * len(params)

    def step(self, grads):
        mu = self.momentum
        for i, g in enumerate(grads):
            p = self.params[i]
            d = g + self.weight_decay * p
            if mu != 0:
                if self.bufs[i] is None:
                    self.bufs[i] = d.copy()
                else:
                    self.bufs[i] = mu * self.bufs[i] + d
                d = d + mu * self.bufs[i] if self.nesterov else self.bufs[i]
            self.params[i] = p - self.lr * d


@mistake("SGD", "adds weight decay after the momentum buffer instead of before")
class SGDDecayAfterMomentum:
    """SGD whose buffer accumulates the raw gradient only."""

    def __init__(self, params, lr, momentum=0.0, nesterov=False, weight_decay=0.0):
        if nesterov and momentum <= 0:
            raise ValueError("Nesterov momentum requires momentum > 0")
        self.params = params
        self.lr = lr
        self.momentum = momentum
        self.nesterov = nesterov
        self.weight_decay = weight_decay
        self.bufs = [None] * len(params)

    def step(self, grads):
        mu = self.momentum
        for i, (p, g) in enumerate(zip(self.params, grads, strict=True)):
            d = g
            if mu != 0:
                if self.bufs[i] is None:
                    self.bufs[i] = g.copy()
                else:
                    self.bufs[i] = mu * self.bufs[i] + g
                d = g + mu * self.bufs[i] if self.nesterov else self.bufs[i]
            p -= self.lr * (d + self.weight_decay * p)


@mistake("SGD", "momentum buffer as an average: buf = mu * buf + (1 - mu) * g")
class SGDDampened:
    """SGD with an exponential-average momentum buffer."""

    def __init__(self, params, lr, momentum=0.0, nesterov=False, weight_decay=0.0):
        if nesterov and momentum <= 0:
            raise ValueError("Nesterov momentum requires momentum > 0")
        self.params = params
        self.lr = lr
        self.momentum = momentum
        self.nesterov = nesterov
        self.weight_decay = weight_decay
        self.bufs = [np.zeros_like(p) for p in params]

    def step(self, grads):
        mu = self.momentum
        for i, (p, g) in enumerate(zip(self.params, grads, strict=True)):
            d = g + self.weight_decay * p
            if mu != 0:
                self.bufs[i] = mu * self.bufs[i] + (1 - mu) * d
                d = d + mu * self.bufs[i] if self.nesterov else self.bufs[i]
            p -= self.lr * d


@mistake("SGD", "Nesterov look-ahead uses the buffer from before this step's update")
class SGDNesterovOldBuffer:
    """SGD whose Nesterov step adds mu times the previous buffer."""

    def __init__(self, params, lr, momentum=0.0, nesterov=False, weight_decay=0.0):
        if nesterov and momentum <= 0:
            raise ValueError("Nesterov momentum requires momentum > 0")
        self.params = params
        self.lr = lr
        self.momentum = momentum
        self.nesterov = nesterov
        self.weight_decay = weight_decay
        self.bufs = [np.zeros_like(p) for p in params]

    def step(self, grads):
        mu = self.momentum
        for i, (p, g) in enumerate(zip(self.params, grads, strict=True)):
            d = g + self.weight_decay * p
            if mu != 0:
                old = self.bufs[i]
                self.bufs[i] = mu * old + d
                d = d + mu * old if self.nesterov else self.bufs[i]
            p -= self.lr * d


@mistake("SGD", "never checks nesterov=True with momentum 0")
class SGDNoNesterovCheck:
    """Correct updates, but accepts Nesterov without momentum."""

    def __init__(self, params, lr, momentum=0.0, nesterov=False, weight_decay=0.0):
        self.params = params
        self.lr = lr
        self.momentum = momentum
        self.nesterov = nesterov
        self.weight_decay = weight_decay
        self.bufs = [None] * len(params)

    def step(self, grads):
        mu = self.momentum
        for i, (p, g) in enumerate(zip(self.params, grads, strict=True)):
            d = g + self.weight_decay * p
            if mu != 0:
                if self.bufs[i] is None:
                    self.bufs[i] = d.copy()
                else:
                    self.bufs[i] = mu * self.bufs[i] + d
                d = d + mu * self.bufs[i] if self.nesterov else self.bufs[i]
            p -= self.lr * d


# --------------------------------------------------------------------------
# RMSprop


@mistake("RMSprop", "puts eps inside the square root")
class RMSpropEpsInside:
    """RMSprop dividing by sqrt(v + eps)."""

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8):
        self.params = params
        self.lr = lr
        self.alpha = alpha
        self.eps = eps
        self.vs = [np.zeros_like(p) for p in params]

    def step(self, grads):
        for i, (p, g) in enumerate(zip(self.params, grads, strict=True)):
            self.vs[i] = self.alpha * self.vs[i] + (1 - self.alpha) * g**2
            p -= self.lr * g / np.sqrt(self.vs[i] + self.eps)


@mistake("RMSprop", "swaps alpha and 1 - alpha in the running average")
class RMSpropSwappedAlpha:
    """RMSprop weighting the new squared gradient by alpha."""

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8):
        self.params = params
        self.lr = lr
        self.alpha = alpha
        self.eps = eps
        self.vs = [np.zeros_like(p) for p in params]

    def step(self, grads):
        for i, (p, g) in enumerate(zip(self.params, grads, strict=True)):
            self.vs[i] = (1 - self.alpha) * self.vs[i] + self.alpha * g**2
            p -= self.lr * g / (np.sqrt(self.vs[i]) + self.eps)


@mistake("RMSprop", "adds Adam-style bias correction, which torch's RMSprop lacks")
class RMSpropBiasCorrected:
    """RMSprop dividing v by 1 - alpha**t."""

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8):
        self.params = params
        self.lr = lr
        self.alpha = alpha
        self.eps = eps
        self.t = 0
        self.vs = [np.zeros_like(p) for p in params]

    def step(self, grads):
        self.t += 1
        for i, (p, g) in enumerate(zip(self.params, grads, strict=True)):
            self.vs[i] = self.alpha * self.vs[i] + (1 - self.alpha) * g**2
            v_hat = self.vs[i] / (1 - self.alpha**self.t)
            p -= self.lr * g / (np.sqrt(v_hat) + self.eps)


@mistake("RMSprop", "starts the running average at g**2 instead of zero")
class RMSpropWarmStart:
    """RMSprop initialising v with the first squared gradient."""

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8):
        self.params = params
        self.lr = lr
        self.alpha = alpha
        self.eps = eps
        self.vs = [None] * len(params)

    def step(self, grads):
        for i, (p, g) in enumerate(zip(self.params, grads, strict=True)):
            if self.vs[i] is None:
                self.vs[i] = g**2
            else:
                self.vs[i] = self.alpha * self.vs[i] + (1 - self.alpha) * g**2
            p -= self.lr * g / (np.sqrt(self.vs[i]) + self.eps)


# --------------------------------------------------------------------------
# Adam


@mistake("Adam", "no bias correction: uses m and v directly", typical=True)
class AdamNoBiasCorrection:
    """Adam without dividing the moments by 1 - beta**t."""

    def __init__(
        self,
        params,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0.0,
        decoupled=False,
    ):
        self.params = params
        self.lr = lr
        self.betas = betas
        self.eps = eps
        self.weight_decay = weight_decay
        self.decoupled = decoupled
        self.ms = [np.zeros_like(p) for p in params]
        self.vs = [np.zeros_like(p) for p in params]

    def step(self, grads):
        b1, b2 = self.betas
        for i, (p, g) in enumerate(zip(self.params, grads, strict=True)):
            if self.weight_decay != 0:
                if self.decoupled:
                    p *= 1 - self.lr * self.weight_decay
                else:
                    g = g + self.weight_decay * p
            self.ms[i] = b1 * self.ms[i] + (1 - b1) * g
            self.vs[i] = b2 * self.vs[i] + (1 - b2) * g * g
            p -= self.lr * self.ms[i] / (np.sqrt(self.vs[i]) + self.eps)


@mistake("Adam", "puts eps inside the square root")
class AdamEpsInside:
    """Adam dividing by sqrt(v_hat + eps)."""

    def __init__(
        self,
        params,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0.0,
        decoupled=False,
    ):
        self.params = params
        self.lr = lr
        self.betas = betas
        self.eps = eps
        self.weight_decay = weight_decay
        self.decoupled = decoupled
        self.t = 0
        self.ms = [np.zeros_like(p) for p in params]
        self.vs = [np.zeros_like(p) for p in params]

    def step(self, grads):
        b1, b2 = self.betas
        self.t += 1
        for i, (p, g) in enumerate(zip(self.params, grads, strict=True)):
            if self.weight_decay != 0:
                if self.decoupled:
                    p *= 1 - self.lr * self.weight_decay
                else:
                    g = g + self.weight_decay * p
            self.ms[i] = b1 * self.ms[i] + (1 - b1) * g
            self.vs[i] = b2 * self.vs[i] + (1 - b2) * g * g
            m_hat = self.ms[i] / (1 - b1**self.t)
            v_hat = self.vs[i] / (1 - b2**self.t)
            p -= self.lr * m_hat / np.sqrt(v_hat + self.eps)


@mistake("Adam", "corrects v with beta1 instead of beta2")
class AdamWrongBetaForV:
    """Adam dividing v by 1 - beta1**t."""

    def __init__(
        self,
        params,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0.0,
        decoupled=False,
    ):
        self.params = params
        self.lr = lr
        self.betas = betas
        self.eps = eps
        self.weight_decay = weight_decay
        self.decoupled = decoupled
        self.t = 0
        self.ms = [np.zeros_like(p) for p in params]
        self.vs = [np.zeros_like(p) for p in params]

    def step(self, grads):
        b1, b2 = self.betas
        self.t += 1
        for i, (p, g) in enumerate(zip(self.params, grads, strict=True)):
            if self.weight_decay != 0:
                if self.decoupled:
                    p *= 1 - self.lr * self.weight_decay
                else:
                    g = g + self.weight_decay * p
            self.ms[i] = b1 * self.ms[i] + (1 - b1) * g
            self.vs[i] = b2 * self.vs[i] + (1 - b2) * g * g
            m_hat = self.ms[i] / (1 - b1**self.t)
            v_hat = self.vs[i] / (1 - b1**self.t)
            p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


@mistake("Adam", "increments t once per parameter instead of once per step")
class AdamStepPerParam:
    """Adam whose step counter runs inside the parameter loop."""

    def __init__(
        self,
        params,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0.0,
        decoupled=False,
    ):
        self.params = params
        self.lr = lr
        self.betas = betas
        self.eps = eps
        self.weight_decay = weight_decay
        self.decoupled = decoupled
        self.t = 0
        self.ms = [np.zeros_like(p) for p in params]
        self.vs = [np.zeros_like(p) for p in params]

    def step(self, grads):
        b1, b2 = self.betas
        for i, (p, g) in enumerate(zip(self.params, grads, strict=True)):
            self.t += 1
            if self.weight_decay != 0:
                if self.decoupled:
                    p *= 1 - self.lr * self.weight_decay
                else:
                    g = g + self.weight_decay * p
            self.ms[i] = b1 * self.ms[i] + (1 - b1) * g
            self.vs[i] = b2 * self.vs[i] + (1 - b2) * g * g
            m_hat = self.ms[i] / (1 - b1**self.t)
            v_hat = self.vs[i] / (1 - b2**self.t)
            p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


@mistake("Adam", "AdamW decay without the lr factor: p *= 1 - weight_decay")
class AdamWNoLrFactor:
    """AdamW shrinking the weights by weight_decay alone."""

    def __init__(
        self,
        params,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0.0,
        decoupled=False,
    ):
        self.params = params
        self.lr = lr
        self.betas = betas
        self.eps = eps
        self.weight_decay = weight_decay
        self.decoupled = decoupled
        self.t = 0
        self.ms = [np.zeros_like(p) for p in params]
        self.vs = [np.zeros_like(p) for p in params]

    def step(self, grads):
        b1, b2 = self.betas
        self.t += 1
        for i, (p, g) in enumerate(zip(self.params, grads, strict=True)):
            if self.weight_decay != 0:
                if self.decoupled:
                    p *= 1 - self.weight_decay
                else:
                    g = g + self.weight_decay * p
            self.ms[i] = b1 * self.ms[i] + (1 - b1) * g
            self.vs[i] = b2 * self.vs[i] + (1 - b2) * g * g
            m_hat = self.ms[i] / (1 - b1**self.t)
            v_hat = self.vs[i] / (1 - b2**self.t)
            p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


@mistake("Adam", "AdamW decay applied after the Adam update instead of before")
class AdamWDecayAfter:
    """AdamW shrinking the already-updated weights."""

    def __init__(
        self,
        params,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0.0,
        decoupled=False,
    ):
        self.params = params
        self.lr = lr
        self.betas = betas
        self.eps = eps
        self.weight_decay = weight_decay
        self.decoupled = decoupled
        self.t = 0
        self.ms = [np.zeros_like(p) for p in params]
        self.vs = [np.zeros_like(p) for p in params]

    def step(self, grads):
        b1, b2 = self.betas
        self.t += 1
        for i, (p, g) in enumerate(zip(self.params, grads, strict=True)):
            if self.weight_decay != 0 and not self.decoupled:
                g = g + self.weight_decay * p
            self.ms[i] = b1 * self.ms[i] + (1 - b1) * g
            self.vs[i] = b2 * self.vs[i] + (1 - b2) * g * g
            m_hat = self.ms[i] / (1 - b1**self.t)
            v_hat = self.vs[i] / (1 - b2**self.t)
            p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
            if self.weight_decay != 0 and self.decoupled:
                p *= 1 - self.lr * self.weight_decay


@mistake("Adam", "coupled and decoupled weight decay swapped")
class AdamDecaySwapped:
    """Adam that decouples when asked to couple, and the other way round."""

    def __init__(
        self,
        params,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0.0,
        decoupled=False,
    ):
        self.params = params
        self.lr = lr
        self.betas = betas
        self.eps = eps
        self.weight_decay = weight_decay
        self.decoupled = decoupled
        self.t = 0
        self.ms = [np.zeros_like(p) for p in params]
        self.vs = [np.zeros_like(p) for p in params]

    def step(self, grads):
        b1, b2 = self.betas
        self.t += 1
        for i, (p, g) in enumerate(zip(self.params, grads, strict=True)):
            if self.weight_decay != 0:
                if not self.decoupled:
                    p *= 1 - self.lr * self.weight_decay
                else:
                    g = g + self.weight_decay * p
            self.ms[i] = b1 * self.ms[i] + (1 - b1) * g
            self.vs[i] = b2 * self.vs[i] + (1 - b2) * g * g
            m_hat = self.ms[i] / (1 - b1**self.t)
            v_hat = self.vs[i] / (1 - b2**self.t)
            p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


@mistake("Adam", "starts with t = 0 and increments it at the end of step")
class AdamLateCounter:
    """Adam using t = 0 on the first step (division by zero)."""

    def __init__(
        self,
        params,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps=1e-8,
        weight_decay=0.0,
        decoupled=False,
    ):
        self.params = params
        self.lr = lr
        self.betas = betas
        self.eps = eps
        self.weight_decay = weight_decay
        self.decoupled = decoupled
        self.t = 0
        self.ms = [np.zeros_like(p) for p in params]
        self.vs = [np.zeros_like(p) for p in params]

    def step(self, grads):
        b1, b2 = self.betas
        for i, (p, g) in enumerate(zip(self.params, grads, strict=True)):
            if self.weight_decay != 0:
                if self.decoupled:
                    p *= 1 - self.lr * self.weight_decay
                else:
                    g = g + self.weight_decay * p
            self.ms[i] = b1 * self.ms[i] + (1 - b1) * g
            self.vs[i] = b2 * self.vs[i] + (1 - b2) * g * g
            m_hat = self.ms[i] / (1 - b1**self.t)
            v_hat = self.vs[i] / (1 - b2**self.t)
            p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
        self.t += 1


# --------------------------------------------------------------------------
# gradient clipping


@mistake("clip_grad_norm", "clips each element to [-max_norm, max_norm]", typical=True)
def clip_grad_norm_elementwise(grads, max_norm, eps=1e-6):
    total = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
    for g in grads:
        np.clip(g, -max_norm, max_norm, out=g)
    return total


@mistake("clip_grad_norm", "clips each array by its own norm")
def clip_grad_norm_per_tensor(grads, max_norm, eps=1e-6):
    total = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
    for g in grads:
        coef = max_norm / (float(np.linalg.norm(g)) + eps)
        if coef < 1:
            g *= coef
    return total


@mistake("clip_grad_norm", "returns the norm after clipping")
def clip_grad_norm_post(grads, max_norm, eps=1e-6):
    total = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
    coef = max_norm / (total + eps)
    if coef < 1:
        for g in grads:
            g *= coef
    return math.sqrt(sum(float(np.sum(g * g)) for g in grads))


@mistake("clip_grad_norm", "puts new arrays into the list instead of scaling in place")
def clip_grad_norm_new_arrays(grads, max_norm, eps=1e-6):
    total = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
    coef = max_norm / (total + eps)
    if coef < 1:
        for i, g in enumerate(grads):
            grads[i] = g * coef
    return total


@mistake("clip_grad_norm", "always rescales to max_norm, also scaling small grads up")
def clip_grad_norm_always(grads, max_norm, eps=1e-6):
    total = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
    coef = max_norm / (total + eps)
    for g in grads:
        g *= coef
    return total


# --------------------------------------------------------------------------
# warm-up + cosine schedule


@mistake("warmup_cosine_lr", "warm-up as step / warmup_steps (lr = 0 at step 0)")
def warmup_cosine_lr_zero_start(step, base_lr, warmup_steps, total_steps, min_lr=0.0):
    if step < 0:
        raise ValueError("negative step")
    if step >= total_steps:
        return float(min_lr)
    if step < warmup_steps:
        return base_lr * step / warmup_steps
    progress = (step - warmup_steps) / max(1, total_steps - warmup_steps)
    return min_lr + 0.5 * (base_lr - min_lr) * (1 + math.cos(math.pi * progress))


@mistake("warmup_cosine_lr", "off by one: progress counts from step - warmup + 1")
def warmup_cosine_lr_off_by_one(step, base_lr, warmup_steps, total_steps, min_lr=0.0):
    if step < 0:
        raise ValueError("negative step")
    if step >= total_steps:
        return float(min_lr)
    if step < warmup_steps:
        return base_lr * (step + 1) / warmup_steps
    progress = (step - warmup_steps + 1) / max(1, total_steps - warmup_steps)
    return min_lr + 0.5 * (base_lr - min_lr) * (1 + math.cos(math.pi * progress))


@mistake("warmup_cosine_lr", "a full cosine period (2 pi) instead of half")
def warmup_cosine_lr_full_period(step, base_lr, warmup_steps, total_steps, min_lr=0.0):
    if step < 0:
        raise ValueError("negative step")
    if step >= total_steps:
        return float(min_lr)
    if step < warmup_steps:
        return base_lr * (step + 1) / warmup_steps
    progress = (step - warmup_steps) / max(1, total_steps - warmup_steps)
    return min_lr + 0.5 * (base_lr - min_lr) * (1 + math.cos(2 * math.pi * progress))


@mistake("warmup_cosine_lr", "decays base_lr to 0 and then adds min_lr on top")
def warmup_cosine_lr_min_on_top(step, base_lr, warmup_steps, total_steps, min_lr=0.0):
    if step < 0:
        raise ValueError("negative step")
    if step >= total_steps:
        return float(min_lr)
    if step < warmup_steps:
        return base_lr * (step + 1) / warmup_steps
    progress = (step - warmup_steps) / max(1, total_steps - warmup_steps)
    return min_lr + 0.5 * base_lr * (1 + math.cos(math.pi * progress))


@mistake("warmup_cosine_lr", "accepts a negative step (returns a negative rate)")
def warmup_cosine_lr_no_check(step, base_lr, warmup_steps, total_steps, min_lr=0.0):
    if step >= total_steps:
        return float(min_lr)
    if step < warmup_steps:
        return base_lr * (step + 1) / warmup_steps
    progress = (step - warmup_steps) / max(1, total_steps - warmup_steps)
    return min_lr + 0.5 * (base_lr - min_lr) * (1 + math.cos(math.pi * progress))
