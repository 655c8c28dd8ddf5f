using System.Runtime.CompilerServices;

// ML.NET keeps its extension points for savable transformers internal (dotnet/machinelearning #4911,
// #6839). The library compiles against publicized copies of these assemblies and asks the runtime to
// skip access checks into them. See docs/architecture.md.
[assembly: IgnoresAccessChecksTo("Microsoft.ML.Core")]
[assembly: IgnoresAccessChecksTo("Microsoft.ML.Data")]

// The benchmark programs drive the internal training loop directly (nanoGPT-style random windows; see docs/performance.md).
[assembly: InternalsVisibleTo("Microsoft.ML.Attention.Benchmarks")]
// onnx-engines measures the int8 graph with three query/key/value products against the packed one (OnnxExportOptions.PackedProjections).
[assembly: InternalsVisibleTo("ClassificationBenchmark")]

// The ONNX Runtime engine (package Microsoft.ML.Attention.OnnxRuntime) builds its models with the internal exporter (docs/scaling.md).
[assembly: InternalsVisibleTo("Microsoft.ML.Attention.OnnxRuntime")]
