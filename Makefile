# The course's commands. Each one builds .venv on first use (scripts/bootstrap.sh).
PY := .venv/bin/python
STAMP := .venv/.installed
SMOKE_ENV := GENAI_PROFILE=smoke HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 TRANSFORMERS_OFFLINE=1 \
             PYTHONHASHSEED=0 TOKENIZERS_PARALLELISM=false
CHAPTERS ?= $(sort $(wildcard chapters/[0-9][0-9]_*.ipynb))

.PHONY: run test unit nbval bench rehearse posts refresh clean

$(STAMP): requirements.txt pyproject.toml scripts/bootstrap.sh
	bash scripts/bootstrap.sh

## run: execute every chapter in the default profile, then render the posts into build/posts/
run: $(STAMP)
	$(PY) scripts/run_chapters.py $(CHAPTERS)

## test: unit tests, renderer golden and engine tests, nbval over chapters/, smoke profile, offline
test: $(STAMP)
	bash scripts/install_engines.sh
	$(SMOKE_ENV) $(PY) -m pytest tests $(CHAPTERS) --nbval-lax

unit: $(STAMP)
	$(SMOKE_ENV) $(PY) -m pytest tests

nbval: $(STAMP)
	$(SMOKE_ENV) $(PY) -m pytest --nbval-lax $(CHAPTERS)

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

clean:
	rm -rf build
