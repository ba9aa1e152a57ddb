# Targets create .venv if it is missing. torch is installed first, pinned to
# the CPU build this project is tested with; the project's own requirement is
# a range that build satisfies, so pip never pulls a multi-GB CUDA build.
PYTHON_SYS ?= python3
VENV       := .venv
PY         := $(VENV)/bin/python
STAMP      := $(VENV)/.installed-stamp
TORCH      := torch==2.13.0

# Prefer the virtualenv's kernels over any the user has installed elsewhere.
export JUPYTER_PREFER_ENV_PATH := 1

.PHONY: install sandbox test demo lab release lint clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON_SYS) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet $(TORCH)
	$(PY) -m pip install --quiet -e '.[dev]'
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (ipykernel)" >/dev/null
	@$(MAKE) --no-print-directory sandbox
	touch $(STAMP)

# Trusted grading runs student code under bubblewrap where it exists (Debian
# package `bubblewrap`); without it, only resource limits apply.
sandbox:
	@command -v bwrap >/dev/null && echo "bubblewrap: $$(command -v bwrap)" || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && apt-get install -y -qq bubblewrap >/dev/null; \
	  else \
	    echo "note: bubblewrap is not installed (apt-get install bubblewrap);" \
	         "grading falls back to resource limits only"; \
	  fi; }

install: $(STAMP)

test: $(STAMP)
	$(PY) -m pytest

demo: $(STAMP)
	$(VENV)/bin/course demo

release: $(STAMP)
	$(VENV)/bin/course release

lint: $(STAMP)
	$(VENV)/bin/ruff check course solutions autograder tests benchmarks
	$(VENV)/bin/ruff format --check course solutions autograder tests benchmarks

# A student's JupyterLab on a copy of the released chapters (loopback only).
lab: $(STAMP)
	mkdir -p work && cp -rn release/. work/
	$(VENV)/bin/jupyter lab --ip=127.0.0.1 --no-browser --notebook-dir=work \
		$$( [ "$$(id -u)" = 0 ] && echo --allow-root )

clean:
	rm -rf demo-class .pytest_cache build *.egg-info
