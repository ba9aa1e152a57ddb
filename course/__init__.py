"""Student-side package of the LLM Primer course.

Students import this package from their notebooks: lesson helpers, public
self-checks (``course.selfcheck``) and small data files. It never imports the
reference solutions or the hidden graders, so it can ship on its own.
"""

CHAPTERS = (
    "ch01_language",
    "ch02_probability",
    "ch03_perceptron",
    "ch04_gradient_descent",
    "ch05_backprop",
    "ch06_losses",
    "ch07_optimizers",
    "ch08_regularization",
    "ch09_batching",
    "ch10_gpu",
    "ch11_autodiff",
    "ch12_neural_lm",
    "ch13_tokenization",
    "ch14_embeddings",
    "ch15_positional",
)
