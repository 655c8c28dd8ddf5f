using System.Diagnostics;
using Microsoft.ML.Attention.Generation;
using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Benchmarks;

/// <summary>
/// Greedy generation with <see cref="TextGenerator"/> on one GPT-style model (nanoGPT's shakespeare_char size: 6 layers, 6 heads,
/// 384 dimensions, context 1024, character vocabulary), with and without the key/value cache, for 256 and 512 new tokens.
/// The time of each token is the time between consecutive streamed pieces (one piece per character token).
/// </summary>
/// <remarks>
/// The weights are random: speed does not depend on them. The rows of the five special tokens in the (tied) embedding are zeroed,
/// so their logit is 0 and greedy decoding never picks the end token: every run produces exactly the requested number of tokens.
/// </remarks>
internal static class GenerationSpeed
{
    private const string Prompt = "ROMEO:";

    public static void Run(string datasets)
    {
        var tokenizer = TextTokenizer.CreateCharacter([BenchmarkData.TinyShakespeare(datasets)]);
        using var model = CreateModel(tokenizer);
        var config = model.Backbone.Config;
        var generator = new TextGenerator(model, tokenizer);
        int promptLength = generator.EncodePrompt(Prompt).Count;
        Console.WriteLine($"model: {model.parameters().Sum(p => p.numel()):N0} parameters, context {config.MaxSequenceLength}, torch threads {get_num_threads()}, " +
            $"prompt \"{Prompt}\" = {promptLength} tokens with Bos");

        Measure(generator, 32, useCache: true);   // warm-up
        Measure(generator, 32, useCache: false);
        var rows = new List<(int Tokens, double[] Cached, double[] Uncached)>();
        foreach (int tokens in new[] { 256, 512 })
            rows.Add((tokens, Measure(generator, tokens, useCache: true), Measure(generator, tokens, useCache: false)));

        Console.WriteLine();
        Console.WriteLine("| new tokens | with cache: tokens/s | without cache: tokens/s | speed-up |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var (tokens, cached, uncached) in rows)
        {
            double withCache = tokens / cached.Sum(), without = tokens / uncached.Sum();
            Console.WriteLine($"| {tokens} | {withCache:F1} | {without:F1} | {withCache / without:F1}x |");
        }

        var (_, cached512, uncached512) = rows[^1];
        Console.WriteLine();
        Console.WriteLine("Per-token time (median of the 9 tokens fed at positions p-4..p+4), 512-token run:");
        Console.WriteLine("| position | with cache: ms | without cache: ms |");
        Console.WriteLine("|---|---|---|");
        foreach (int position in new[] { 32, 480 })
            Console.WriteLine($"| {position} | {MedianAround(cached512, position, promptLength):F2} | {MedianAround(uncached512, position, promptLength):F2} |");
    }

    /// <summary>
    /// The benchmark's model (also used by the suite's batched-generation section): GPT-style, 6 layers, 6 heads, 384 dimensions,
    /// context 1024, seed 1337, the special-token rows of the tied embedding zeroed so that greedy decoding never stops early.
    /// </summary>
    public static CausalLanguageModel CreateModel(TextTokenizer tokenizer)
    {
        var config = new TransformerConfig
        {
            VocabularySize = tokenizer.VocabularySize,
            ModelDimension = 384,
            LayerCount = 6,
            HeadCount = 6,
            MaxSequenceLength = 1024,
            Dropout = 0,
            AttentionDropout = 0,
        };
        manual_seed(1337);
        var model = new CausalLanguageModel(config);
        using (no_grad())
        {
            var special = tokenizer.Special;
            foreach (int id in new[] { special.Pad, special.Mask, special.Bos, special.Eos, special.Unk })
                model.Backbone.TokenEmbeddingWeight[id].zero_();
        }
        model.eval();
        return model;
    }

    // Seconds of each new token: [0] is the prompt pass + first token, [k] the step that feeds position promptLength - 1 + k.
    private static double[] Measure(TextGenerator generator, int tokens, bool useCache)
    {
        var options = new GenerationOptions { Temperature = 0f, MaxNewTokens = tokens, UseKeyValueCache = useCache };
        var times = new List<double>(tokens);
        var watch = Stopwatch.StartNew();
        double last = 0;
        foreach (string _ in generator.Stream(Prompt, options))
        {
            double now = watch.Elapsed.TotalSeconds;
            times.Add(now - last);
            last = now;
        }
        if (times.Count != tokens)
            throw new InvalidOperationException($"Expected {tokens} pieces (one per token), got {times.Count}.");
        Console.WriteLine($"  {tokens} tokens, cache {(useCache ? "on " : "off")}: {last:F2} s");
        return [.. times];
    }

    private static double MedianAround(double[] times, int position, int promptLength)
    {
        int step = position - promptLength + 1;   // the step that feeds the token at this position
        var window = times[(step - 4)..(step + 5)].Order().ToArray();
        return window[window.Length / 2] * 1000;
    }
}
