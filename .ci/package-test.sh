#!/usr/bin/env bash
# Packs Microsoft.ML.Attention and checks it from a consumer's point of view, OUTSIDE the repository:
# 1. the package declares exactly the ML.NET it is built against and depends on managed TorchSharp only (no native libtorch);
# 2. a console app with the package, Microsoft.ML and TorchSharp-cpu fits, saves, reloads and embeds (this proves the package's
#    buildTransitive targets bring the TorchSharp native fix to consumers that reference TorchSharp-cpu themselves);
# 3. the same app without any native libtorch package fails at its first call with the library's message naming the line to add.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
version="0.1.0-ci$(date +%s)"
trap 'rm -rf "$work" "${NUGET_PACKAGES:-$HOME/.nuget/packages}/microsoft.ml.attention/$version"' EXIT
ml_version="$(sed -n 's:.*<MlNetVersion>\(.*\)</MlNetVersion>.*:\1:p' "$repo/Directory.Packages.props")"
torch_version="$(sed -n 's:.*<TorchSharpVersion>\(.*\)</TorchSharpVersion>.*:\1:p' "$repo/Directory.Packages.props")"

dotnet pack "$repo/src/Microsoft.ML.Attention/Microsoft.ML.Attention.csproj" -c Release -o "$work/packages" -p:Version="$version" --nologo -v q

# 1. The nuspec inside the .nupkg.
nuspec="$(unzip -p "$work/packages/Microsoft.ML.Attention.$version.nupkg" Microsoft.ML.Attention.nuspec)"
expect() { grep -q -- "$1" <<<"$nuspec" || { echo "package-test: the nuspec lacks $1" >&2; echo "$nuspec" >&2; exit 1; }; }
expect "<dependency id=\"Microsoft.ML\" version=\"\[$ml_version\]\""
expect "<dependency id=\"TorchSharp\" version=\"$torch_version\""
if grep -Eq 'id="(TorchSharp-cpu|TorchSharp-cuda|libtorch)' <<<"$nuspec"; then
  echo "package-test: the package must not depend on a native libtorch package" >&2; echo "$nuspec" >&2; exit 1
fi
echo "package-test: nuspec declares Microsoft.ML [$ml_version] and TorchSharp $torch_version (managed only)"

build() {   # build <folder> [msbuild properties...]
  cp -r "$repo/tests/PackageConsumer" "$1"
  (cd "$1" && dotnet restore -p:AttentionPackageVersion="$version" -p:RestoreAdditionalProjectSources="$work/packages" "${@:2}" --nologo -v q \
           && dotnet build --no-restore -c Release -p:AttentionPackageVersion="$version" "${@:2}" --nologo -v q)
}

# 2. With TorchSharp-cpu: end to end.
build "$work/app"
(cd "$work/app" && dotnet bin/Release/net10.0/PackageConsumer.dll)

# 3. Without a native package: the library's message, not TorchSharp's.
build "$work/app-without-libtorch" -p:WithoutNativeTorch=true
if (cd "$work/app-without-libtorch" && dotnet bin/Release/net10.0/PackageConsumer.dll) > "$work/no-libtorch.txt" 2>&1; then
  echo "package-test: the consumer without a native libtorch package ran; it should have failed" >&2; exit 1
fi
if ! grep -q "System.InvalidOperationException: Microsoft.ML.Attention found no native libtorch.*<PackageReference Include=\"TorchSharp-cpu\" Version=\"$torch_version\" />" "$work/no-libtorch.txt"; then
  echo "package-test: the consumer without a native libtorch package did not get the library's message:" >&2
  cat "$work/no-libtorch.txt" >&2; exit 1
fi
echo "package-test: without a native package: $(grep -o 'Microsoft.ML.Attention found no native libtorch[^.]*\.' "$work/no-libtorch.txt" | head -n 1)"
echo "package-test: TorchSharp's exceptions inside it: $(grep -o -- '---> [A-Za-z.]*Exception: [^,]*' "$work/no-libtorch.txt" | sort -u | tr '\n' ' ')"
