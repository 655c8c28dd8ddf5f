using System.Diagnostics;
using Microsoft.ML.Attention.Generation;
using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tasks;
using Microsoft.ML.Attention.Tokenization;
using Microsoft.ML.Attention.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Benchmarks;

/// <summary>
/// nanoGPT's CPU run on character-level tiny shakespeare (README, "I only have a macbook"): block 64, batch 12, 4 layers, 4 heads,
/// 128 dimensions, no bias, dropout 0, AdamW lr 1e-3 with 100 warmup steps and cosine decay to 1e-4 at the last iteration,
/// beta2 0.99, weight decay 0.1, gradient clip 1.0. nanoGPT reports validation loss 1.88 after 2000 iterations.
/// Batches are random 64-token windows of the first 90% of the text (nanoGPT's get_batch); the loss estimate is the mean over
/// 200 random batches of each split (nanoGPT's estimate_loss).
/// </summary>
internal static class NanoGptParity
{
    internal const int BlockSize = 64;
    internal const int BatchSize = 12;
    private const int EvalBatches = 200;

    public static void Run(string datasets, int iterations, int seed)
    {
        string text = BenchmarkData.TinyShakespeare(datasets);
        var tokenizer = TextTokenizer.CreateCharacter([text]);
        int split = (int)(text.Length * 0.9);
        int[] train = tokenizer.Encode(text[..split]);
        int[] validation = tokenizer.Encode(text[split..]);
        Console.WriteLine($"tiny shakespeare: {text.Length:N0} characters, {tokenizer.VocabularySize - 5} distinct (+5 special ids); train {train.Length:N0}, validation {validation.Length:N0} tokens");

        var config = Config(tokenizer.VocabularySize);
        manual_seed(seed);
        using var model = new CausalLanguageModel(config);
        Console.WriteLine($"model: {model.parameters().Sum(p => p.numel()):N0} parameters, torch threads {get_num_threads()}");

        var settings = new TrainingSettings
        {
            Epochs = 1,
            MaxSteps = iterations,
            BatchSize = BatchSize,
            LearningRate = 1e-3,
            WarmupFraction = 0,
            WarmupSteps = 100,
            MinimumLearningRateFraction = 0.1,
            WeightDecay = 0.1,
            AdamBeta1 = 0.9,
            AdamBeta2 = 0.99,
            GradientClipNorm = 1.0,
            LogEverySteps = 250,
            Seed = seed,
        };
        var watch = Stopwatch.StartNew();
        var result = CausalLanguageModelingTrainer.Train(model, train, validationTokens: null, stride: 1, settings, CPU,
            line => Console.WriteLine("  " + line));
        double seconds = watch.Elapsed.TotalSeconds;
        long tokens = (long)result.Steps * BatchSize * BlockSize;

        double trainLoss = EstimateLoss(model, train);
        double validationLoss = EstimateLoss(model, validation);
        Console.WriteLine($"iterations {result.Steps}: train loss {trainLoss:F4}, val loss {validationLoss:F4} (nanoGPT: 1.88 after 2000)");
        Console.WriteLine($"training wall time {seconds:F1} s, {tokens / seconds:N0} tokens/s ({tokens:N0} tokens)");
        Console.WriteLine("sample (temperature 0.8, top-k 200, 500 characters after \"\\n\"):");
        Console.WriteLine(Sample(model, tokenizer, "\n", 500));
    }

    /// <summary>The model of the run: GPT-style, LayerNorm, GELU, learned positions, pre-norm, tied embeddings, no bias, no dropout.</summary>
    internal static TransformerConfig Config(int vocabularySize) => new()
    {
        VocabularySize = vocabularySize,
        ModelDimension = 128,
        LayerCount = 4,
        HeadCount = 4,
        MaxSequenceLength = BlockSize,
        Dropout = 0,
        AttentionDropout = 0,
        UseBias = false,
        PositionalEncoding = PositionalEncodingKind.Learned,
        Normalization = NormalizationKind.LayerNorm,
        NormalizationPlacement = NormalizationPlacement.PreNorm,
        Activation = ActivationKind.Gelu,
        TieEmbeddings = true,
    };

    // nanoGPT's estimate_loss: the mean loss of EvalBatches random batches.
    internal static double EstimateLoss(CausalLanguageModel model, int[] tokens)
    {
        var random = new Random(1337);   // the same evaluation batches for every run and seed, so estimates compare
        double sum = 0;
        model.eval();
        using var noGrad = no_grad();
        for (int i = 0; i < EvalBatches; i++)
        {
            var starts = Enumerable.Range(0, BatchSize).Select(_ => random.Next(tokens.Length - BlockSize)).ToList();
            var (lossSum, count) = CausalLanguageModelingTrainer.LossSum(model, tokens, starts, BlockSize, CPU);
            using (lossSum)
                sum += lossSum.item<float>() / count;
        }
        return sum / EvalBatches;
    }

    // nanoGPT's generate: the context is cropped to the last BlockSize tokens at every step (no Bos: training saw raw text).
    private static string Sample(CausalLanguageModel model, TextTokenizer tokenizer, string start, int count)
    {
        var ids = tokenizer.Encode(start).ToList();
        using var sampler = new LogitsSampler(new GenerationOptions { Temperature = 0.8f, TopK = 200, Seed = 1337 });
        model.eval();
        using var noGrad = no_grad();
        for (int i = 0; i < count; i++)
        {
            using var scope = NewDisposeScope();
            var context = ids.Skip(Math.Max(0, ids.Count - BlockSize)).Select(id => (long)id).ToArray();
            var logits = model.forward(tensor(context).unsqueeze(0));   // [1, T, V]
            ids.Add(sampler.Sample(logits[0, -1], []));                 // [V]
        }
        return tokenizer.Decode(ids.Skip(tokenizer.Encode(start).Length));
    }
}
