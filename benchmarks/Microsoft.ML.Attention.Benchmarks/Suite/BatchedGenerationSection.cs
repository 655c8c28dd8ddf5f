using System.Diagnostics;
using Microsoft.ML.Attention.Generation;
using Microsoft.ML.Attention.Tokenization;

namespace Microsoft.ML.Attention.Benchmarks.Suite;

/// <summary>
/// Batched generation: 8 prompts of different lengths generated together (<see cref="TextGenerator.GenerateBatch"/>) against the
/// same 8 one by one (<see cref="TextGenerator.Generate"/>), greedy, with the key/value cache, on the model of the generation
/// benchmark (nanoGPT's shakespeare_char size, random weights, special-token rows zeroed so that no row stops early).
/// </summary>
internal static class BatchedGenerationSection
{
    private const double Goal = 3.0;

    public static SectionResult Run(SuiteContext context)
    {
        string text = BenchmarkData.TinyShakespeare(context.Datasets);
        var tokenizer = TextTokenizer.CreateCharacter([text]);
        using var model = GenerationSpeed.CreateModel(tokenizer);
        var generator = new TextGenerator(model, tokenizer);
        var prompts = text.Split('\n').Where(l => l.Length > 0).Skip(100).Take(8).Select(l => (string?)l).ToList();
        int newTokens = context.Pick(32, 128);
        var options = new GenerationOptions { Temperature = 0f, MaxNewTokens = newTokens };
        generator.GenerateBatch(prompts.Take(2).ToList(), new GenerationOptions { Temperature = 0f, MaxNewTokens = 8 }); // warm-up
        generator.Generate(prompts[0], new GenerationOptions { Temperature = 0f, MaxNewTokens = 8 });

        var watch = Stopwatch.StartNew();
        var alone = prompts.Select(p => generator.Generate(p, options)).ToList();
        double oneByOne = watch.Elapsed.TotalSeconds;
        watch.Restart();
        var batched = generator.GenerateBatch(prompts, options);
        double together = watch.Elapsed.TotalSeconds;

        int tokens = alone.Sum(t => tokenizer.Encode(t).Length);
        bool identical = alone.SequenceEqual(batched);
        double ratio = oneByOne / together;
        var promptLengths = prompts.Select(p => generator.EncodePrompt(p).Count).ToList();
        var rows = new List<IReadOnlyList<string>>
        {
            new[] { "8 prompts one by one (`Generate`)", $"{oneByOne:F2} s", Format.N(tokens / oneByOne, 1), Format.Ratio(1) },
            new[] { "8 prompts together (`GenerateBatch`)", $"{together:F2} s", Format.N(tokens / together, 1), Format.Ratio(ratio) },
        };
        var notes = new List<string>
        {
            $"GPT-style model, 6 layers, 6 heads, d = 384, context 1024, character vocabulary, random weights; 8 lines of tiny shakespeare " +
            $"as prompts ({promptLengths.Min()}–{promptLengths.Max()} tokens with the start token), greedy, {newTokens} new tokens each ({tokens} in all), key/value cache on.",
            $"Greedy outputs identical to one by one: {(identical ? "yes" : "**no**")}. Goal ≥ {Goal}×: {(ratio >= Goal ? "**met**" : "**missed**")} ({Format.Ratio(ratio)}).",
        };
        return new SectionResult("generation-batch", "Batched generation: 8 prompts together against one by one",
            ["run", "wall time", "tokens/s", "speed-up"], rows, notes,
            new Dictionary<string, double>
            {
                ["one_by_one_tokens_per_second"] = tokens / oneByOne,
                ["batched_tokens_per_second"] = tokens / together,
                ["ratio"] = ratio,
                ["identical"] = identical ? 1 : 0,
            });
    }
}
