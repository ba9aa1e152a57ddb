"""Chapter 7 — optimizers: SGD, momentum, RMSprop, Adam (reference solutions).

Every optimizer here follows PyTorch's update rules exactly (``torch.optim``),
so torch can serve as the oracle. Parameters are a list of float64 numpy
arrays that ``step`` updates in place, the way ``optimizer.step()`` updates
``param.data`` in torch.
"""

from __future__ import annotations

import math

import numpy as np


class SGD:
    """Stochastic gradient descent with optional heavy-ball or Nesterov momentum.

    This is the rule of ``torch.optim.SGD`` with ``dampening=0``. The momentum
    buffer accumulates raw gradients, and the learning rate multiplies the
    buffer only when the parameter moves, so a new ``lr`` takes effect at once.

    Attributes:
        params: the list given to the constructor; ``step`` updates its arrays
            in place.
        lr: the learning rate. It is public: the caller may assign a new value
            between two calls of ``step`` and the next step uses it.
        momentum: the momentum factor ``mu``.
        nesterov: whether Nesterov momentum is used.
        weight_decay: the coefficient of the coupled L2 penalty.
    """

    def __init__(
        self,
        params: list[np.ndarray],
        lr: float,
        momentum: float = 0.0,
        nesterov: bool = False,
        weight_decay: float = 0.0,
    ) -> None:
        """Store the parameters and the hyper-parameters; take no step.

        Args:
            params: list of float64 arrays of any shapes. Keep the list and
                the very array objects in it: ``step`` must modify them in
                place (never replace them with new arrays, never copy them).
            lr: learning rate, a positive float.
            momentum: momentum factor ``mu >= 0``; 0 means no momentum buffer.
            nesterov: use Nesterov momentum.
            weight_decay: coupled L2 coefficient ``wd >= 0``.

        Raises:
            ValueError: if ``nesterov`` is true and ``momentum <= 0``.
        """
        if nesterov and momentum <= 0:
            raise ValueError("Nesterov momentum requires momentum > 0")
        self.params = params
        self.lr = lr
        self.momentum = momentum
        self.nesterov = nesterov
        self.weight_decay = weight_decay
        # note: one buffer per parameter, created on the first step as a copy
        # of the gradient (torch's convention), not as zeros.
        self.bufs: list[np.ndarray | None] = [None] * len(params)

    def step(self, grads: list[np.ndarray]) -> None:
        """Update every parameter in place with its gradient.

        For each parameter ``p`` with gradient ``g`` (same shape), in order,
        with ``mu = self.momentum``, ``wd = self.weight_decay`` and the
        current ``self.lr``:

        1. ``d = g + wd * p`` (coupled weight decay, using ``p`` before this
           step).
        2. If ``mu != 0``: on the first call of ``step`` the buffer becomes
           ``buf = d`` (a copy); on later calls ``buf = mu * buf + d``. Then
           ``d = d + mu * buf`` if Nesterov, else ``d = buf``.
        3. ``p -= lr * d``, in place.

        Args:
            grads: list of float64 arrays, one per parameter, same shapes and
                order as ``params``. They are not modified.

        Returns:
            None.
        """
        mu, wd = self.momentum, self.weight_decay
        for i, (p, g) in enumerate(zip(self.params, grads, strict=True)):
            d = g + wd * p
            if mu != 0:
                if self.bufs[i] is None:
                    self.bufs[i] = d.copy()
                else:
                    self.bufs[i] = mu * self.bufs[i] + d
                d = d + mu * self.bufs[i] if self.nesterov else self.bufs[i]
            p -= self.lr * d


class RMSprop:
    """RMSprop: divide each coordinate's step by a running RMS of its gradient.

    This is the rule of ``torch.optim.RMSprop`` with its defaults
    (``momentum=0``, ``centered=False``, ``weight_decay=0``).

    Attributes:
        params: the list given to the constructor; ``step`` updates its arrays
            in place.
        lr: the learning rate; public, may be changed between steps.
        alpha: the smoothing constant of the running average of ``g**2``.
        eps: added to the root mean square (outside the square root).
    """

    def __init__(
        self,
        params: list[np.ndarray],
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
    ) -> None:
        """Store parameters and hyper-parameters; the averages start at zero.

        Args:
            params: list of float64 arrays of any shapes, updated in place by
                ``step`` (keep the very array objects).
            lr: learning rate.
            alpha: smoothing constant, ``0 <= alpha < 1``.
            eps: term added to the denominator for numerical stability.
        """
        self.params = params
        self.lr = lr
        self.alpha = alpha
        self.eps = eps
        self.square_avgs = [np.zeros_like(p) for p in params]

    def step(self, grads: list[np.ndarray]) -> None:
        """Update every parameter in place.

        For each parameter ``p`` with gradient ``g`` and running average
        ``v`` (zeros before the first step)::

            v = alpha * v + (1 - alpha) * g**2
            p -= lr * g / (sqrt(v) + eps)

        No bias correction is applied.

        Args:
            grads: list of float64 arrays, one per parameter, same shapes and
                order as ``params``. They are not modified.

        Returns:
            None.
        """
        for i, (p, g) in enumerate(zip(self.params, grads, strict=True)):
            v = self.alpha * self.square_avgs[i] + (1 - self.alpha) * g * g
            self.square_avgs[i] = v
            p -= self.lr * g / (np.sqrt(v) + self.eps)


class Adam:
    """Adam, with coupled L2 weight decay (Adam) or decoupled decay (AdamW).

    ``decoupled=False`` follows ``torch.optim.Adam``; ``decoupled=True``
    follows ``torch.optim.AdamW`` (both with ``amsgrad=False``).

    Attributes:
        params: the list given to the constructor; ``step`` updates its arrays
            in place.
        lr: the learning rate; public, may be changed between steps.
        betas: ``(beta1, beta2)``, decay rates of the two moment estimates.
        eps: added to ``sqrt(v_hat)`` (outside the square root).
        weight_decay: the weight decay coefficient ``wd``.
        decoupled: ``False`` for L2 added to the gradient, ``True`` for AdamW.
        t: the number of steps taken so far (0 before the first step).
    """

    def __init__(
        self,
        params: list[np.ndarray],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        decoupled: bool = False,
    ) -> None:
        """Store parameters and hyper-parameters; both moments start at zero.

        Args:
            params: list of float64 arrays of any shapes, updated in place by
                ``step`` (keep the very array objects).
            lr: learning rate.
            betas: ``(beta1, beta2)``, each in ``[0, 1)``.
            eps: term added to the denominator.
            weight_decay: coefficient ``wd >= 0``.
            decoupled: if true, decay the weights directly (AdamW) instead of
                adding ``wd * p`` to the gradient.
        """
        self.params = params
        self.lr = lr
        self.betas = betas
        self.eps = eps
        self.weight_decay = weight_decay
        self.decoupled = decoupled
        self.t = 0
        self.ms = [np.zeros_like(p) for p in params]
        self.vs = [np.zeros_like(p) for p in params]

    def step(self, grads: list[np.ndarray]) -> None:
        """Take one Adam step, updating every parameter in place.

        First ``t`` is incremented once (so the first step uses ``t = 1``).
        Then for each parameter ``p`` with gradient ``g``, first moment ``m``
        and second moment ``v`` (zeros before the first step), with
        ``b1, b2 = betas`` and the current ``lr``:

        1. Weight decay, if ``wd != 0``: coupled mode uses ``g = g + wd * p``;
           decoupled mode scales the weights first, ``p *= 1 - lr * wd``, and
           leaves ``g`` as it is.
        2. ``m = b1 * m + (1 - b1) * g`` and ``v = b2 * v + (1 - b2) * g**2``.
        3. ``m_hat = m / (1 - b1**t)`` and ``v_hat = v / (1 - b2**t)``.
        4. ``p -= lr * m_hat / (sqrt(v_hat) + eps)``, in place.

        Args:
            grads: list of float64 arrays, one per parameter, same shapes and
                order as ``params``. They are not modified.

        Returns:
            None.
        """
        b1, b2 = self.betas
        wd = self.weight_decay
        self.t += 1
        bc1 = 1 - b1**self.t
        bc2 = 1 - b2**self.t
        for i, (p, g) in enumerate(zip(self.params, grads, strict=True)):
            if wd != 0:
                if self.decoupled:
                    p *= 1 - self.lr * wd
                else:
                    g = g + wd * p
            self.ms[i] = b1 * self.ms[i] + (1 - b1) * g
            self.vs[i] = b2 * self.vs[i] + (1 - b2) * g * g
            m_hat = self.ms[i] / bc1
            v_hat = self.vs[i] / bc2
            p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


def clip_grad_norm(
    grads: list[np.ndarray], max_norm: float, eps: float = 1e-6
) -> float:
    """Clip gradients by their global L2 norm, in place, like torch.

    The global norm is ``total = sqrt(sum over arrays of sum(g**2))``, one
    norm over all arrays together (not one per array). With
    ``coef = max_norm / (total + eps)``: if ``coef < 1`` every array is
    multiplied by ``coef`` in place; otherwise nothing changes. This is
    ``torch.nn.utils.clip_grad_norm_`` with ``norm_type=2``.

    Args:
        grads: list of float64 arrays of any shapes (possibly empty list).
            Modified in place: the same array objects hold the clipped values;
            the list itself is not changed.
        max_norm: the largest allowed global norm, ``> 0``.
        eps: added to ``total`` in the denominator of ``coef``.

    Returns:
        The global norm *before* clipping, as a Python float (0.0 for an empty
        list or all-zero gradients).
    """
    total = math.sqrt(sum(float(np.sum(g * g)) for g in grads))
    coef = max_norm / (total + eps)
    if coef < 1:
        for g in grads:
            g *= coef
    return total


def warmup_cosine_lr(
    step: int,
    base_lr: float,
    warmup_steps: int,
    total_steps: int,
    min_lr: float = 0.0,
) -> float:
    """Learning rate at ``step`` for linear warm-up followed by cosine decay.

    Steps count from 0. The rules, checked in this order:

    1. ``step < 0``: raise ``ValueError``.
    2. ``step >= total_steps``: return ``min_lr``.
    3. ``step < warmup_steps``: return ``base_lr * (step + 1) / warmup_steps``
       (so step 0 already has a non-zero rate and step ``warmup_steps - 1``
       has ``base_lr``).
    4. Otherwise, with
       ``progress = (step - warmup_steps) / max(1, total_steps - warmup_steps)``
       return ``min_lr + 0.5 * (base_lr - min_lr) * (1 + cos(pi * progress))``
       (so step ``warmup_steps`` has ``base_lr`` and the rate falls to
       ``min_lr`` at ``total_steps``).

    Args:
        step: the index of the optimizer step, an int.
        base_lr: peak learning rate.
        warmup_steps: number of warm-up steps, ``>= 0`` (0: no warm-up).
        total_steps: length of the schedule, ``>= warmup_steps``.
        min_lr: the final learning rate.

    Returns:
        The learning rate as a Python float.

    Raises:
        ValueError: if ``step < 0``.
    """
    if step < 0:
        raise ValueError(f"step must be >= 0, got {step}")
    if step >= total_steps:
        return float(min_lr)
    if step < warmup_steps:
        return base_lr * (step + 1) / warmup_steps
    progress = (step - warmup_steps) / max(1, total_steps - warmup_steps)
    return min_lr + 0.5 * (base_lr - min_lr) * (1 + math.cos(math.pi * progress))
