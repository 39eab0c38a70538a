# cablegram: the two Quick start commands are `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The hot modules, compiled with mypyc in place (setup.py, docs/native.md); rebuilt
# whenever one of their sources changes.
NATIVE := cablegram/_native.json
NATIVE_SRC := $(shell $(PYTHON) -c "import tomllib; print(' '.join('cablegram/' + m.replace('.', '/') + '.py' for m in tomllib.load(open('pyproject.toml', 'rb'))['tool']['cablegram']['compiled']))")

.PHONY: demo test bench bench-smoke lint typecheck venv native clean

venv: $(STAMP)

native: $(NATIVE)

$(STAMP): pyproject.toml setup.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	CABLEGRAM_COMPILE=0 $(BIN)/python -m pip install --quiet -e '.[all,dev]'
	touch $(STAMP)

# Compiled with the venv's own mypy, the one `make lint` runs.
$(NATIVE): $(STAMP) $(NATIVE_SRC)
	$(BIN)/python setup.py --quiet build_ext --inplace > build-native.log 2>&1 \
		|| (cat build-native.log; exit 1)
	rm -f build-native.log

demo: $(STAMP) $(NATIVE)
	$(BIN)/python -m cablegram.demo

test: $(STAMP) $(NATIVE)
	$(BIN)/python -m pytest -n 2 -q

lint: $(STAMP)
	$(BIN)/ruff check cablegram tests bench setup.py
	$(BIN)/mypy

bench: $(STAMP) $(NATIVE)
	$(BIN)/python -m bench.run

bench-smoke: $(STAMP) $(NATIVE)
	$(BIN)/python -m bench.run --smoke

clean:
	rm -rf $(VENV) build *.egg-info $(NATIVE) cablegram/*.so cablegram/*/*.so .pytest_cache .mypy_cache .ruff_cache
