#!/usr/bin/env bash
# Builds every function for arm64 the way the deploy does (`sam build`, with
# cargo-lambda and zig from .venv-tools on the PATH, offline), then reports each
# function's zipped size. Output: .aws-sam/build (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/../.."
bin="$(infra/scripts/tools-venv.sh)"
export PATH="$bin:$PATH" SAM_CLI_TELEMETRY=0 AWS_DEFAULT_REGION="${AWS_DEFAULT_REGION:-eu-west-1}"
# The functions run on arm64: the pinned toolchain (rust-toolchain.toml) needs
# that target's standard library, which rust-toolchain.toml does not list so
# that machines that only test never download it.
target=aarch64-unknown-linux-gnu
if ! rustup target list --installed | grep -qx "$target"; then
    rustup target add "$target"
fi
sam build --beta-features --template template.yaml
python3 - <<'PY'
import io, os, zipfile
root = ".aws-sam/build"
rows = []
for name in sorted(os.listdir(root)):
    path = os.path.join(root, name, "bootstrap")
    if not os.path.isfile(path):
        continue
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(path, "bootstrap")
    rows.append((name, os.path.getsize(path), len(buffer.getvalue())))
print(f"{'function':38} {'bootstrap':>12} {'zipped':>12}")
for name, raw, zipped in rows:
    print(f"{name:38} {raw/1e6:10.1f} MB {zipped/1e6:10.1f} MB")
PY
