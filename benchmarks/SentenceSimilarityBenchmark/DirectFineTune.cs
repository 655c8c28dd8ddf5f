using System.Diagnostics;
using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Persistence.Import;
using Microsoft.ML.Attention.Tasks;
using Microsoft.ML.Attention.Training;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Benchmarks;

/// <summary>
/// Fine-tunes all-MiniLM-L6-v2 on the training books' KJV → RV1909 pairs directly through SentenceEmbeddingTrainer (below the
/// estimator; <see cref="TaskFineTune"/> runs the same through the public pipeline), then evaluates the retrieval tasks with the fine-tuned encoder.
/// </summary>
internal static class DirectFineTune
{
    public sealed record Settings(int Steps, int BatchSize, int MiniBatchSize, double LearningRate, int MaxTokens, bool Symmetric, bool BFloat16);

    public static void Run(IReadOnlyList<Verse> train, IReadOnlyList<RetrievalTask> tasks, Settings run, Action<string, InformationRetrievalMetrics, TimeSpan> report)
    {
        var watch = Stopwatch.StartNew();
        using var pretrained = PretrainedEncoder.Load(MiniLm.ModelPath, MiniLm.VocabularyPath, lowerCase: null, "model");
        var config = pretrained.Config with { MaxSequenceLength = run.MaxTokens };
        random.manual_seed(1);
        using var model = new SentenceEncoder(config);
        pretrained.CopyInto(model.Backbone);
        var pairs = train.Where(v => v.Kjv.Length > 0 && v.Rv1909.Length > 0).Select(v => new SentencePair(v.Kjv, v.Rv1909)).ToList();
        var settings = new TrainingSettings
        {
            Epochs = 1, MaxSteps = run.Steps, BatchSize = run.BatchSize, LearningRate = run.LearningRate, WarmupFraction = 0.1, MinimumLearningRateFraction = 0.1,
            WeightDecay = 0.01, AdamBeta1 = 0.9, AdamBeta2 = 0.999, GradientClipNorm = 1.0, LogEverySteps = 5, Seed = 1,
            ComputeType = run.BFloat16 ? ScalarType.BFloat16 : null,
        };
        var loss = new SentenceEmbeddingLossSettings(MultipleNegativesRankingLoss.DefaultScale, run.Symmetric, run.MiniBatchSize, ExcludeDuplicates: true);
        Console.WriteLine($"Fine-tuning on {pairs.Count} KJV → RV1909 pairs: {run}");
        SentenceEmbeddingTrainer.Train(model, pretrained.Tokenizer, pairs, validation: null, new SentencePairColumns("KJV", "RV1909"), settings, loss,
            earlyStoppingPatience: 0, CPU, line => Console.WriteLine($"  {DateTime.Now:HH:mm:ss} {line}"));
        var trained = watch.Elapsed;
        using var generator = new EncoderEmbeddingGenerator(model, pretrained.Tokenizer, batchSize: 32);
        foreach (var task in tasks)
            report(task.Name, task.Evaluator.EvaluateAsync(generator).GetAwaiter().GetResult(), trained);
    }
}
