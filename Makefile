# The two commands: `make run` (embedded default: SQLite + bundled Redis + Celery worker + web)
# and `make test` (everything the suite needs, then the whole suite).
SHELL := /bin/bash
PORT ?= 8000
UV := $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.tools/bin/uv)
# Debian packages: browser for the wizard tests, fio for the reference runs, poppler for PDF
# checks, pango/harfbuzz/fonts for WeasyPrint (research/stack-check.md §2, §4, §5), wrk as the
# load generator of `make bench` (benchmarks/bench_web.py), jq for the README examples.
APT_PACKAGES := chromium fio poppler-utils libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b \
	libharfbuzz-subset0 libfontconfig1 fonts-dejavu-core wrk jq

.PHONY: run test setup system-packages bench check-contract clean

run: setup
	PORT=$(PORT) $(UV) run --frozen python scripts/run.py

test: system-packages setup
	$(UV) run --frozen pytest

# Bytecode is compiled at install: where PYTHONDONTWRITEBYTECODE is set (as on this project's
# machines) nothing else writes it, and every start of manage.py would recompile Django (~1 s).
setup: $(UV)
	$(UV) sync --frozen --compile-bytecode
	@.venv/bin/python -m compileall -q -j 0 recommender rules webui scripts manage.py >/dev/null

# uv itself, when the machine has none: a private venv under .tools/ (PyPI only).
$(CURDIR)/.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet uv

system-packages:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
		echo "installing: $$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	else \
		echo "missing system packages (run as root or install): $$missing" >&2; \
	fi

bench: system-packages setup
	$(UV) run --frozen python benchmarks/run_all.py

check-contract: setup
	python3 ../shared/checks/contract.py

clean:
	rm -rf .venv .tools var
