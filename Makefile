# The course's commands (`make help` lists them). Each one builds .venv on first use
# (scripts/bootstrap.sh). run and test fail if they leave files in the git working tree.
PY := .venv/bin/python
GUARD := $(PY) scripts/tree_guard.py --
STAMP := .venv/.installed
SMOKE_ENV := GENAI_PROFILE=smoke HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TRANSFORMERS_OFFLINE=1 \
             PYTHONHASHSEED=0 TOKENIZERS_PARALLELISM=false
CHAPTERS ?= $(sort $(wildcard chapters/[0-9][0-9]_*.ipynb))

.PHONY: help run test lint unit nbval bench rehearse posts refresh clean

## help: list these commands
help:
	@sed -n 's/^## //p' $(MAKEFILE_LIST)

$(STAMP): requirements.txt requirements-dev.txt pyproject.toml scripts/bootstrap.sh
	bash scripts/bootstrap.sh

## run: execute every chapter in the default profile, then render the posts into build/posts/
run: $(STAMP)
	$(GUARD) $(PY) scripts/run_chapters.py $(CHAPTERS)

## test: ruff, unit tests, renderer golden and engine tests, nbval over chapters/ (smoke, offline)
test: $(STAMP) lint
	bash scripts/install_engines.sh
	$(SMOKE_ENV) $(GUARD) $(PY) -m pytest tests $(CHAPTERS) --nbval-lax -p genai_course.publish.nbval_progress

## lint: ruff over the package, scripts, tests, data generators and chapters (pyproject.toml)
lint: $(STAMP)
	.venv/bin/ruff check .

## unit: the tests/ folder only
unit: $(STAMP)
	$(SMOKE_ENV) $(PY) -m pytest tests

## nbval: run chapters under nbval, e.g. make nbval CHAPTERS=chapters/05_diffusion_from_scratch.ipynb
nbval: $(STAMP)
	$(SMOKE_ENV) $(PY) -m pytest --nbval-lax -p genai_course.publish.nbval_progress $(CHAPTERS)

## bench: smoke wall time per chapter, render time per post vs plain nbconvert
bench: $(STAMP)
	$(SMOKE_ENV) $(PY) scripts/bench.py $(CHAPTERS)

## rehearse: every chapter with the full profile's values on the stand-ins, offline (GENAI_REHEARSE_STEPS caps steps)
rehearse: $(STAMP)
	$(PY) scripts/rehearse.py $(CHAPTERS)

## posts: render executed notebooks from build/executed into OUT (default build/posts) for FORMAT=hugo|jekyll|pelican
OUT ?= build/posts
FORMAT ?= hugo
posts: $(STAMP)
	$(PY) scripts/render_posts.py build/executed/*.ipynb --out $(OUT) --format $(FORMAT) --overwrite

## refresh: re-store the checked outputs of chapters after an intended change
refresh: $(STAMP)
	$(PY) scripts/refresh_checked_outputs.py $(CHAPTERS)

## clean: remove build/ (executed chapters, posts, chapter outputs)
clean:
	rm -rf build
