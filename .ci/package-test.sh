#!/usr/bin/env bash
# Packs Microsoft.ML.Attention and checks it from a consumer's point of view, OUTSIDE the repository:
# 1. the package declares exactly the ML.NET it is built against and depends on managed TorchSharp only (no native libtorch);
# 2. a console app with the package, Microsoft.ML and TorchSharp-cpu fits, saves, reloads and embeds (this proves the package's
#    buildTransitive targets bring the TorchSharp native fix to consumers that reference TorchSharp-cpu themselves);
# 3. the same app without any native libtorch package fails at its first call with the library's message naming the line to add;
# 4. the companion package Microsoft.ML.Attention.OnnxRuntime declares the main package and ONNX Runtime (the main package does not),
#    the app with it scores with InferenceEngine.OnnxRuntime (within 1e-4 of TorchSharp), and the app without it carries no ONNX Runtime
#    native library and gets the library's message naming the package to add.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
version="0.1.0-ci$(date +%s)"
packages="${NUGET_PACKAGES:-$HOME/.nuget/packages}"
trap 'rm -rf "$work" "$packages/microsoft.ml.attention/$version" "$packages/microsoft.ml.attention.onnxruntime/$version"' EXIT
ml_version="$(sed -n 's:.*<MlNetVersion>\(.*\)</MlNetVersion>.*:\1:p' "$repo/Directory.Packages.props")"
torch_version="$(sed -n 's:.*<TorchSharpVersion>\(.*\)</TorchSharpVersion>.*:\1:p' "$repo/Directory.Packages.props")"

dotnet pack "$repo/src/Microsoft.ML.Attention/Microsoft.ML.Attention.csproj" -c Release -o "$work/packages" -p:Version="$version" --nologo -v q
dotnet pack "$repo/src/Microsoft.ML.Attention.OnnxRuntime/Microsoft.ML.Attention.OnnxRuntime.csproj" -c Release -o "$work/packages" -p:Version="$version" --nologo -v q
ort_version="$(sed -n 's:.*<PackageVersion Include="Microsoft.ML.OnnxRuntime" Version="\(.*\)" />.*:\1:p' "$repo/Directory.Packages.props")"

# 1. The nuspec inside the .nupkg.
nuspec="$(unzip -p "$work/packages/Microsoft.ML.Attention.$version.nupkg" Microsoft.ML.Attention.nuspec)"
expect() { grep -q -- "$1" <<<"$nuspec" || { echo "package-test: the nuspec lacks $1" >&2; echo "$nuspec" >&2; exit 1; }; }
expect "<dependency id=\"Microsoft.ML\" version=\"\[$ml_version\]\""
expect "<dependency id=\"TorchSharp\" version=\"$torch_version\""
if grep -Eq 'id="(TorchSharp-cpu|TorchSharp-cuda|libtorch)' <<<"$nuspec"; then
  echo "package-test: the package must not depend on a native libtorch package" >&2; echo "$nuspec" >&2; exit 1
fi
if grep -q 'id="Microsoft.ML.OnnxRuntime' <<<"$nuspec"; then
  echo "package-test: the main package must not depend on ONNX Runtime (the companion package does)" >&2; echo "$nuspec" >&2; exit 1
fi
echo "package-test: nuspec declares Microsoft.ML [$ml_version] and TorchSharp $torch_version (managed only), no ONNX Runtime"
nuspec="$(unzip -p "$work/packages/Microsoft.ML.Attention.OnnxRuntime.$version.nupkg" Microsoft.ML.Attention.OnnxRuntime.nuspec)"
expect "<dependency id=\"Microsoft.ML.Attention\" version=\"$version\""
expect "<dependency id=\"Microsoft.ML.OnnxRuntime\" version=\"$ort_version\""
echo "package-test: the companion nuspec declares Microsoft.ML.Attention $version and Microsoft.ML.OnnxRuntime $ort_version"

build() {   # build <folder> [msbuild properties...]
  cp -r "$repo/tests/PackageConsumer" "$1"
  (cd "$1" && dotnet restore -p:AttentionPackageVersion="$version" -p:RestoreAdditionalProjectSources="$work/packages" "${@:2}" --nologo -v q \
           && dotnet build --no-restore -c Release -p:AttentionPackageVersion="$version" "${@:2}" --nologo -v q)
}

# 2. With TorchSharp-cpu and the companion package: end to end, TorchSharp then the ONNX Runtime engine.
build "$work/app" -p:WithOnnxRuntime=true
(cd "$work/app" && dotnet bin/Release/net10.0/PackageConsumer.dll) | tee "$work/app.txt"
grep -q "InferenceEngine OnnxRuntime, max |ONNX Runtime - TorchSharp|" "$work/app.txt" || { echo "package-test: the consumer did not score with ONNX Runtime" >&2; exit 1; }

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

# 4. Without the companion package: TorchSharp scores, no ONNX Runtime native library is copied, and asking for the engine names the package.
build "$work/app-without-onnxruntime"
if find "$work/app-without-onnxruntime/bin" -name 'libonnxruntime*' -o -name 'onnxruntime*.dll' | grep -q .; then
  echo "package-test: the consumer without the companion package carries ONNX Runtime's native library" >&2; exit 1
fi
if (cd "$work/app-without-onnxruntime" && dotnet bin/Release/net10.0/PackageConsumer.dll) > "$work/no-onnxruntime.txt" 2>&1; then
  echo "package-test: the consumer without the companion package scored with ONNX Runtime; it should have failed" >&2; exit 1
fi
if ! grep -q "identical after reload: True" "$work/no-onnxruntime.txt" \
   || ! grep -q "System.InvalidOperationException: TransformerTextTransformer.WithInference.InferenceEngine OnnxRuntime with InferencePrecision Float32 needs the package Microsoft.ML.Attention.OnnxRuntime" "$work/no-onnxruntime.txt"; then
  echo "package-test: the consumer without the companion package did not get the library's message:" >&2
  cat "$work/no-onnxruntime.txt" >&2; exit 1
fi
echo "package-test: without the companion package: $(grep -o 'InferenceEngine OnnxRuntime with InferencePrecision Float32 needs the package [^,]*' "$work/no-onnxruntime.txt" | head -n 1)"
