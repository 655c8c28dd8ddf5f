using System.Diagnostics;
using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tasks;
using Microsoft.ML.Attention.Tokenization;
using Microsoft.ML.Attention.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Benchmarks;

/// <summary>
/// Training throughput at float32 and at bfloat16 mixed precision (<see cref="MixedPrecision"/>, what
/// <see cref="TransformerTextOptions.TrainingPrecision"/> selects), through the library's <see cref="TrainingLoop"/> (AdamW, schedule,
/// clipping), on two configurations:
/// <list type="bullet">
/// <item>nanoGPT's CPU configuration (see <see cref="NanoGptParity"/>): causal LM, block 64, batch 12, 4 layers, 4 heads, 128
/// dimensions, character vocabulary of tiny shakespeare; with <c>parityIterations</c> &gt; 0 also the validation loss (nanoGPT's
/// estimate) after that many iterations at each precision, from the same seed.</item>
/// <item>BERT-small: masked LM, 4 layers, 256 dimensions, 8 heads, feed-forward 1024, T = 256, B = 16, WordPiece with the
/// bert-base-uncased vocabulary, on 256-token windows of WikiText-2 (validation split) with 15% of the tokens masked.</item>
/// </list>
/// The precisions alternate (float32, bfloat16, float32, bfloat16) so that a drift of the machine's speed hits both; each row is
/// the faster of its two rounds, each round a fresh model from the same seed. A profile follows: where a training step's time goes
/// (forward, backward, optimizer) and the speed of one feed-forward-sized matrix product in each type, the ceiling of the ratio.
/// </summary>
internal static class TrainingPrecisionSpeed
{
    /// <summary>One measured configuration at one precision.</summary>
    public sealed record Row(string Model, string Precision, int Steps, double Seconds, double TokensPerSecond, double? ValidationLoss);

    private const int Rounds = 2;
    private const int BertLength = 256;
    private const int BertBatch = 16;

    public static IReadOnlyList<Row> Run(string datasets, int nanoGptSteps, int bertSteps, int parityIterations)
    {
        bool retained = NativeAllocator.RetainFreedMemory();   // as Fit does by default (TransformerTextOptions.RetainFreedMemory)
        Console.WriteLine($"torch threads {get_num_threads()}, bf16 instructions on this CPU: {BFloat16Support.OnCpu}, freed memory retained: {retained}");
        var rows = new List<Row>();
        var nano = new NanoGptRun(datasets);
        using var bert = new BertSmallRun(datasets);
        if (nanoGptSteps > 0)
            rows.AddRange(Compare("nanoGPT CPU config", nanoGptSteps, nano.TokensPerStep, nano.Train));
        if (bertSteps > 0)
            rows.AddRange(Compare("BERT-small MLM", bertSteps, bert.TokensPerStep, bert.Train));

        if (parityIterations > 0)
        {
            foreach (var type in new ScalarType?[] { null, ScalarType.BFloat16 })
            {
                var watch = Stopwatch.StartNew();
                double loss = nano.TrainAndEstimate(parityIterations, type);
                double seconds = watch.Elapsed.TotalSeconds;
                rows.Add(new Row("nanoGPT CPU config, full run", Name(type), parityIterations, seconds, parityIterations * nano.TokensPerStep / seconds, loss));
                Console.WriteLine($"  {rows[^1]}");
            }
        }

        foreach (var pair in rows.GroupBy(r => r.Model).Where(g => g.Count() == 2))
        {
            var (float32, bfloat16) = (pair.Single(r => r.Precision == "Float32"), pair.Single(r => r.Precision == "BFloat16"));
            string losses = float32.ValidationLoss is { } a && bfloat16.ValidationLoss is { } b ? $"; validation loss {a:F4} -> {b:F4} ({(b - a) / a:+0.00%;-0.00%})" : "";
            Console.WriteLine($"{pair.Key}: BFloat16 {bfloat16.TokensPerSecond / float32.TokensPerSecond:F2}x Float32's tokens/s{losses}");
        }

        if (nanoGptSteps > 0)
        {
            Profile("nanoGPT CPU config", nano.Create, nano.FixedBatchLoss, 30);
            GemmRatio(NanoGptParity.BatchSize * NanoGptParity.BlockSize, 128, 512);
        }
        if (bertSteps > 0)
        {
            Profile("BERT-small MLM", bert.Create, bert.FixedBatchLoss, 6);
            GemmRatio(BertBatch * BertLength, 256, 1024);
        }
        return rows;
    }

    private static IEnumerable<Row> Compare(string name, int steps, long tokensPerStep, Func<int, ScalarType?, double> train)
    {
        var best = new Dictionary<string, double>();
        for (int round = 0; round < Rounds; round++)
        {
            foreach (var type in new ScalarType?[] { null, ScalarType.BFloat16 })
            {
                double seconds = train(steps, type);
                Console.WriteLine($"  {name}, {Name(type)}, round {round + 1}: {steps} steps in {seconds:F2} s, {steps * tokensPerStep / seconds:N0} tokens/s");
                best[Name(type)] = Math.Min(best.GetValueOrDefault(Name(type), double.MaxValue), seconds);
            }
        }
        return best.Select(kv => new Row(name, kv.Key, steps, kv.Value, steps * tokensPerStep / kv.Value, null));
    }

    private static string Name(ScalarType? type) => type is null ? "Float32" : "BFloat16";

    private static TrainingSettings Settings(int steps, int batchSize, ScalarType? type) => new()
    {
        Epochs = 1, MaxSteps = steps, BatchSize = batchSize, LearningRate = 1e-3, WarmupFraction = 0, WarmupSteps = 100,
        MinimumLearningRateFraction = 0.1, WeightDecay = 0.1, AdamBeta1 = 0.9, AdamBeta2 = 0.99, GradientClipNorm = 1.0,
        LogEverySteps = 0, Seed = 1337, ComputeType = type,
    };

    // Forward, backward and optimizer time of `steps` training steps at each precision (after one untimed step).
    private static void Profile<TModel>(string name, Func<TModel> create, Func<TModel, Tensor> loss, int steps) where TModel : nn.Module
    {
        foreach (var type in new ScalarType?[] { null, ScalarType.BFloat16 })
        {
            using var model = create();
            model.train();
            using var optimizer = OptimizerFactory.CreateAdamW(model, Settings(steps, 1, type));
            var parameters = model.parameters().ToList();
            var times = new double[3];
            for (int step = 0; step <= steps; step++)
            {
                using var scope = NewDisposeScope();
                var watch = Stopwatch.StartNew();
                optimizer.zero_grad();
                Tensor value;
                using (MixedPrecision.Enter(type))
                    value = loss(model);
                double forward = watch.Elapsed.TotalSeconds;
                value.backward();
                double backward = watch.Elapsed.TotalSeconds;
                nn.utils.clip_grad_norm_(parameters, 1.0);
                optimizer.step();
                double total = watch.Elapsed.TotalSeconds;
                if (step == 0)
                    continue;
                times[0] += forward;
                times[1] += backward - forward;
                times[2] += total - backward;
            }
            double sum = times.Sum();
            Console.WriteLine($"profile {name}, {Name(type)}: {sum / steps * 1000:F1} ms/step = forward {times[0] / steps * 1000:F1} ({times[0] / sum:P0}), " +
                $"backward {times[1] / steps * 1000:F1} ({times[1] / sum:P0}), clip + AdamW {times[2] / steps * 1000:F1} ({times[2] / sum:P0})");
        }
    }

    // One matrix product [M, K] x [K, N] in float32 and in bfloat16: GFLOP/s of the faster of 3 timed rounds of 10 products.
    private static void GemmRatio(int m, int k, int n)
    {
        var rates = new List<double>();
        foreach (var type in new[] { ScalarType.Float32, ScalarType.BFloat16 })
        {
            using var a = randn(m, k).to(type);
            using var b = randn(k, n).to(type);
            double best = double.MaxValue;
            for (int round = 0; round <= 3; round++)
            {
                var watch = Stopwatch.StartNew();
                for (int i = 0; i < 10; i++)
                    matmul(a, b).Dispose();
                if (round > 0)
                    best = Math.Min(best, watch.Elapsed.TotalSeconds / 10);
            }
            rates.Add(2.0 * m * k * n / best / 1e9);
        }
        Console.WriteLine($"GEMM [{m}, {k}] x [{k}, {n}]: float32 {rates[0]:F0} GFLOP/s, bfloat16 {rates[1]:F0} GFLOP/s ({rates[1] / rates[0]:F1}x)");
    }

    /// <summary>nanoGPT's CPU configuration on tiny shakespeare, trained with <see cref="CausalLanguageModelingTrainer"/>.</summary>
    private sealed class NanoGptRun
    {
        private readonly int[] _train;
        private readonly int[] _validation;
        private readonly TransformerConfig _config;
        private readonly int[] _starts;

        public NanoGptRun(string datasets)
        {
            string text = BenchmarkData.TinyShakespeare(datasets);
            var tokenizer = TextTokenizer.CreateCharacter([text]);
            int split = (int)(text.Length * 0.9);
            _train = tokenizer.Encode(text[..split]);
            _validation = tokenizer.Encode(text[split..]);
            _config = NanoGptParity.Config(tokenizer.VocabularySize);
            _starts = Enumerable.Range(0, NanoGptParity.BatchSize).Select(i => i * 1000).ToArray();
        }

        public long TokensPerStep => NanoGptParity.BatchSize * NanoGptParity.BlockSize;

        /// <summary>Seconds to train a fresh model for <paramref name="steps"/> steps.</summary>
        public double Train(int steps, ScalarType? type)
        {
            using var model = Create();
            var watch = Stopwatch.StartNew();
            CausalLanguageModelingTrainer.Train(model, _train, validationTokens: null, stride: 1, Settings(steps, NanoGptParity.BatchSize, type), CPU, _ => { });
            return watch.Elapsed.TotalSeconds;
        }

        /// <summary>nanoGPT's validation-loss estimate after <paramref name="iterations"/> steps from the seed.</summary>
        public double TrainAndEstimate(int iterations, ScalarType? type)
        {
            using var model = Create();
            CausalLanguageModelingTrainer.Train(model, _train, validationTokens: null, stride: 1, Settings(iterations, NanoGptParity.BatchSize, type), CPU, _ => { });
            return NanoGptParity.EstimateLoss(model, _validation);
        }

        /// <summary>The mean next-token loss of one fixed batch (the profile's step).</summary>
        public Tensor FixedBatchLoss(CausalLanguageModel model)
        {
            var (sum, count) = CausalLanguageModelingTrainer.LossSum(model, _train, _starts, NanoGptParity.BlockSize, CPU);
            return sum / count;
        }

        public CausalLanguageModel Create()
        {
            manual_seed(1337);
            return new CausalLanguageModel(_config);
        }
    }

    /// <summary>BERT-small masked LM on 256-token windows of WikiText-2, trained through <see cref="TrainingLoop"/>.</summary>
    private sealed class BertSmallRun : IDisposable
    {
        private readonly Tensor _windows;   // [N, T] int64
        private readonly TransformerConfig _config;
        private readonly MaskedLanguageModelMasking _masking;

        public BertSmallRun(string datasets)
        {
            var tokenizer = TextTokenizer.CreateWordPiece(Path.Combine(datasets, "vocab", "bert-base-uncased", "vocab.txt"));
            int[] stream = File.ReadLines(Path.Combine(datasets, "lm", "wikitext2", "valid.txt"))
                .Where(line => line.Trim().Length > 0)
                .SelectMany(line => tokenizer.Encode(line))
                .ToArray();
            int count = stream.Length / BertLength;
            _windows = tensor(stream.Take(count * BertLength).Select(id => (long)id).ToArray(), [count, BertLength]);
            _config = new TransformerConfig
            {
                VocabularySize = tokenizer.VocabularySize,
                ModelDimension = 256,
                LayerCount = 4,
                HeadCount = 8,
                FeedForwardDimension = 1024,
                MaxSequenceLength = BertLength,
                Dropout = 0.1,
                AttentionDropout = 0.1,
            };
            _masking = new MaskedLanguageModelMasking(tokenizer, tokenizer.VocabularySize, 0.15);
        }

        public long TokensPerStep => BertBatch * BertLength;

        /// <summary>Seconds to train a fresh model for <paramref name="steps"/> steps.</summary>
        public double Train(int steps, ScalarType? type)
        {
            using var model = Create();
            using var generator = new Generator(1);
            var watch = Stopwatch.StartNew();
            TrainingLoop.Run(model, (int)_windows.shape[0], Settings(steps, BertBatch, type), rows => Loss(model, rows, generator), null, 0, _ => { });
            return watch.Elapsed.TotalSeconds;
        }

        /// <summary>The masked-LM loss of the first <see cref="BertBatch"/> windows (the profile's step).</summary>
        public Tensor FixedBatchLoss(MaskedLanguageModel model)
        {
            using var generator = new Generator(1);
            return Loss(model, Enumerable.Range(0, BertBatch).ToArray(), generator);
        }

        public MaskedLanguageModel Create()
        {
            manual_seed(1337);
            return new MaskedLanguageModel(_config);
        }

        private Tensor Loss(MaskedLanguageModel model, int[] rows, Generator generator)
        {
            var ids = _windows.index_select(0, tensor(rows.Select(r => (long)r).ToArray()));   // [B, T]
            var mask = ones_like(ids);                                                           // [B, T]: windows have no padding
            var (inputs, labels) = _masking.Apply(ids, mask, generator);
            var selected = labels.ne(MaskedLanguageModelMasking.IgnoreIndex);                    // [B, T]
            return nn.functional.cross_entropy(model.ForwardSelected(inputs, mask, selected), labels[selected]);   // float32
        }

        public void Dispose()
        {
            _windows.Dispose();
            _masking.Dispose();
        }
    }
}
