#!/usr/bin/env bash
# Installs the linters the deployment tests use into .vigil/tools (cached: a rerun with the same versions does
# nothing). Called by .ci/run; run it by hand once on a development machine. Sources: the Go module proxy (Go
# tools) and PyPI (the Kubernetes schemas), the only registries our machines reach.
#   kubeconform  validates the rendered Kubernetes manifests (offline, against the schemas below)
#   kustomize    renders deploy/kubernetes/overlays/*
#   actionlint   lints .github/workflows/*.yml
#   k8s-schemas  Kubernetes v1.33 JSON schemas from kubernetes-validate, made standalone for kubeconform
set -euo pipefail
cd "$(dirname "$0")/../.."
tools="$PWD/.vigil/tools"
mkdir -p "$tools"

KUBECONFORM_VERSION=v0.8.0
ACTIONLINT_VERSION=v1.7.12
KUSTOMIZE_VERSION=v5.8.2 # v5.8.3 needs Go 1.27
KUBERNETES_VALIDATE_VERSION=1.37.0
KUBERNETES_SCHEMA_VERSION=v1.33.0

go_tool() { # name module version
  local name=$1 module=$2 version=$3
  if [[ -x "$tools/$name" && "$(cat "$tools/$name.version" 2>/dev/null)" == "$version" ]]; then return; fi
  if ! command -v go >/dev/null 2>&1; then
    echo "deploy/tools/install.sh: go is not installed; $name skipped (its tests skip with a reason)" >&2
    return
  fi
  echo "installing $name $version (go install)"
  GOBIN="$tools" GOFLAGS=-buildvcs=false go install "$module@$version"
  echo "$version" > "$tools/$name.version"
}

go_tool kubeconform github.com/yannh/kubeconform/cmd/kubeconform "$KUBECONFORM_VERSION"
go_tool actionlint github.com/rhysd/actionlint/cmd/actionlint "$ACTIONLINT_VERSION"
go_tool kustomize sigs.k8s.io/kustomize/kustomize/v5 "$KUSTOMIZE_VERSION"

schemas="$tools/k8s-schemas"
stamp="$KUBERNETES_VALIDATE_VERSION/$KUBERNETES_SCHEMA_VERSION"
if [[ "$(cat "$schemas/.version" 2>/dev/null)" != "$stamp" ]]; then
  echo "installing Kubernetes $KUBERNETES_SCHEMA_VERSION schemas (kubernetes-validate $KUBERNETES_VALIDATE_VERSION from PyPI)"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  python3 -m pip download --quiet --disable-pip-version-check --no-deps \
    "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION" -d "$work"
  python3 -m zipfile -e "$work"/kubernetes_validate-*.whl "$work/wheel"
  rm -rf "$schemas"
  node deploy/tools/k8s-schemas.mjs \
    "$work/wheel/kubernetes_validate/kubernetes-json-schema/$KUBERNETES_SCHEMA_VERSION-local-strict" \
    "$schemas/$KUBERNETES_SCHEMA_VERSION-standalone-strict"
  echo "$stamp" > "$schemas/.version"
fi
echo "deployment tools ready in $tools"
