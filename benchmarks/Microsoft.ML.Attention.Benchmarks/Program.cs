// Benchmark programs for Microsoft.ML.Attention; figures and commands are in docs/performance.md.
//   dotnet run --project benchmarks/Microsoft.ML.Attention.Benchmarks -c Release -- nanogpt [iterations] [seed]
//       nanoGPT's CPU configuration on character-level tiny shakespeare: validation loss, wall time, tokens/s, a sample.
//   dotnet run --project benchmarks/Microsoft.ML.Attention.Benchmarks -c Release -- generation
//       generation tokens/s with and without the key/value cache (256 and 512 new tokens), per-token time at positions 32 and 480.
//   dotnet run --project benchmarks/Microsoft.ML.Attention.Benchmarks -c Release -- embedding-speed
//       embedding Transform rows/s at Float32 and BFloat16 inference precision, and the difference between the two.
//   dotnet run --project benchmarks/Microsoft.ML.Attention.Benchmarks -c Release -- training-precision [nanogpt steps] [bert steps] [parity iterations]
//       training tokens/s at Float32 and BFloat16 (nanoGPT CPU config, BERT-small), nanoGPT validation loss of each, and a profile;
//       0 steps skips a configuration, 0 parity iterations the loss comparison (defaults 200, 20, 2000).
//   dotnet run --project benchmarks/Microsoft.ML.Attention.Benchmarks -c Release -- suite --quick|--full [--json PATH] [--docs PATH | --no-docs] [--sections a,b]
//       the benchmark suite (roof, training MFU, peer layer, attention paths, inference, memory, batched generation): writes JSON
//       (default benchmarks/results/<date>-<mode>.json) and regenerates the suite's tables in docs/performance.md.
using Microsoft.ML.Attention.Benchmarks;
using Microsoft.ML.Attention.Benchmarks.Suite;

string benchmark = args.Length > 0 ? args[0] : "";
string datasets = BenchmarkData.FindDatasets();
switch (benchmark)
{
    case "nanogpt":
        NanoGptParity.Run(datasets,
            args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 2000,
            args.Length > 2 ? int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 1337);
        return 0;
    case "generation":
        GenerationSpeed.Run(datasets);
        return 0;
    case "embedding-speed":
        EmbeddingSpeed.Run(datasets);
        return 0;
    case "training-precision":
        int Argument(int index, int fallback) => args.Length > index ? int.Parse(args[index], System.Globalization.CultureInfo.InvariantCulture) : fallback;
        foreach (var row in TrainingPrecisionSpeed.Run(datasets, Argument(1, 200), Argument(2, 20), Argument(3, 2000)))
            Console.WriteLine(row);
        return 0;
    case "suite":
        return BenchmarkSuite.Run(args[1..], datasets);
    case "attention-probe":
        return AttentionPathsSection.Probe(args[1], int.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture));
    default:
        Console.Error.WriteLine($"Unknown benchmark '{benchmark}'. Benchmarks: nanogpt [iterations] [seed], generation, embedding-speed, training-precision [nanogpt steps] [bert steps] [parity iterations], suite --quick|--full.");
        return 2;
}
