# The two commands of the README: `make run` and `make test`. Both install what they need first.
SHELL := /bin/bash
SWIFT ?= swift
APT_PACKAGES := liblua5.4-dev libssl-dev openssl pkg-config
OUTPOST := .build/debug/outpost
DEMO := .outpost/demo

.PHONY: run test deps build

## deps: install the system libraries Outpost links against (Debian 12), when missing.
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" -eq 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -q && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q $$missing; \
	fi

build: deps
	$(SWIFT) build

## run: the main job on the repository's own files.
run: build
	./scripts/demo.sh $(OUTPOST) $(DEMO)

## test: every test suite (unit and end to end), then the short fuzz smoke.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test
