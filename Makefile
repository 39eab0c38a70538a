# cablegram: the two Quick start commands are `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The hot modules, compiled with mypyc in place (setup.py, docs/native.md); rebuilt
# whenever one of their sources changes.
NATIVE := $(VENV)/.native
NATIVE_SRC := $(shell $(PYTHON) -c "import tomllib; print(' '.join('cablegram/' + m.replace('.', '/') + '.py' for m in tomllib.load(open('pyproject.toml', 'rb'))['tool']['cablegram']['compiled']))")

.PHONY: demo test bench bench-smoke lint typecheck venv native clean

venv: $(STAMP)

native: $(NATIVE)

$(STAMP): pyproject.toml setup.py
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	CABLEGRAM_COMPILE=0 $(BIN)/python -m pip install --quiet -e '.[all,dev]'
	touch $(STAMP)

# Compiled with the venv's own mypy, the one `make lint` runs. Without a C compiler
# the package runs from its sources (slower, same results) and says so once, here;
# CABLEGRAM_REQUIRE_NATIVE=1 (CI) makes that an error instead.
$(NATIVE): $(STAMP) $(NATIVE_SRC)
	@if $(BIN)/python setup.py --quiet build_ext --inplace > build-native.log 2>&1; then \
		rm -f build-native.log; \
	else \
		cat build-native.log; rm -f build-native.log cablegram/_native.json; \
		find cablegram -name '*.so' -delete; \
		if [ "$${CABLEGRAM_REQUIRE_NATIVE:-0}" = 1 ]; then exit 1; fi; \
		echo "make: could not compile the hot modules (see above); cablegram runs from" \
			"its Python sources, slower but the same (docs/native.md)"; \
	fi
	@touch $(NATIVE)

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
	rm -rf $(VENV) build *.egg-info cablegram/_native.json cablegram/*.so cablegram/*/*.so .pytest_cache .mypy_cache .ruff_cache
