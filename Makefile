# Two commands: `make run` (install and start the program) and `make test` (install and run the tests).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP_APP := $(VENV)/.installed-app
STAMP_TEST := $(VENV)/.installed-test

.PHONY: run test lint bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(STAMP_APP): pyproject.toml | $(PY)
	$(PY) -m pip install -q -e .
	touch $@

$(STAMP_TEST): pyproject.toml | $(PY)
	$(PY) -m pip install -q -e '.[test]'
	touch $@ $(STAMP_APP)

run: $(STAMP_APP)
	scripts/system-deps.sh gui
	$(PY) -m app $(ARGS)

# The store, service and report tests run on SQLite and on a PostgreSQL server started here (best effort:
# without one they are skipped saying why; .ci/run requires it).
test: $(STAMP_TEST)
	scripts/system-deps.sh test
	pg=$$(scripts/test-postgres.sh) || echo "没有 PostgreSQL 测试服务器：需要服务器的测试将跳过（并说明原因）" >&2; \
	OGI_TEST_PG=$${pg:-$${OGI_TEST_PG:-}} QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q $(PYTEST_ARGS) || { s=$$?; \
	  [ $$s -eq 5 ] && echo "pytest 没有执行任何测试：按失败处理" >&2; exit $$s; }

lint: $(STAMP_TEST)
	$(VENV)/bin/ruff check . && $(VENV)/bin/ruff format --check .

# Every performance goal with its baseline, ratio and MET/NOT MET (makes /tmp/ogi-bench.sqlite once, ~1 min).
bench: $(STAMP_APP)
	$(PY) scripts/bench_all.py /tmp/ogi-bench.sqlite $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
