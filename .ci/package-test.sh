#!/usr/bin/env bash
# Packs Microsoft.ML.Attention and builds + runs a console app OUTSIDE the repository that references only that package
# (and Microsoft.ML): proves the package's buildTransitive targets bring the TorchSharp native fix to consumers.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work" "${NUGET_PACKAGES:-$HOME/.nuget/packages}/microsoft.ml.attention/$version"' EXIT
version="0.1.0-ci$(date +%s)"

dotnet pack "$repo/src/Microsoft.ML.Attention/Microsoft.ML.Attention.csproj" -c Release -o "$work/packages" -p:Version="$version" --nologo -v q
cp -r "$repo/tests/PackageConsumer" "$work/app"
cd "$work/app"
dotnet restore -p:AttentionPackageVersion="$version" -p:RestoreAdditionalProjectSources="$work/packages" --nologo -v q
dotnet build --no-restore -c Release -p:AttentionPackageVersion="$version" --nologo -v q
dotnet bin/Release/net10.0/PackageConsumer.dll
