using System.Diagnostics;
using Microsoft.ML.Attention.Tokenization;

namespace Microsoft.ML.Attention.Benchmarks;

/// <summary>
/// Fine-tunes all-MiniLM-L6-v2 on the training books' KJV → RV1909 pairs through the public pipeline
/// (<c>Transforms.AttentionEncoder</c> with <see cref="TransformerTask.SentenceEmbedding"/>), then evaluates the retrieval tasks with
/// the fitted transformer's <c>AsEmbeddingGenerator()</c>: what a user of the library runs.
/// </summary>
internal static class TaskFineTune
{
    /// <summary>A training row: the anchor (and the column Transform embeds) in KJV, its positive in RV1909.</summary>
    private sealed class PairRow
    {
        public string KJV { get; set; } = "";
        public string RV1909 { get; set; } = "";
    }

    public static void Run(MLContext ml, IReadOnlyList<Verse> train, IReadOnlyList<RetrievalTask> tasks, DirectFineTune.Settings run,
        Action<string, InformationRetrievalMetrics, TimeSpan> report)
    {
        var watch = Stopwatch.StartNew();
        var rows = train.Where(v => v.Kjv.Length > 0 && v.Rv1909.Length > 0).Select(v => new PairRow { KJV = v.Kjv, RV1909 = v.Rv1909 }).ToList();
        var options = new TransformerTextOptions
        {
            Task = TransformerTask.SentenceEmbedding,
            InitialModel = MiniLm.ModelPath,
            Tokenizer = TokenizerKind.WordPiece,
            VocabularyPath = MiniLm.VocabularyPath,
            MaxSequenceLength = run.MaxTokens,
            TextColumnName = nameof(PairRow.KJV),
            SentenceEmbedding = { PositiveColumnName = nameof(PairRow.RV1909), Symmetric = run.Symmetric, CachedMiniBatchSize = run.MiniBatchSize },
            Epochs = 1,
            MaxSteps = run.Steps,
            BatchSize = run.BatchSize,
            LearningRate = run.LearningRate,
            TrainingPrecision = run.BFloat16 ? TrainingPrecision.BFloat16 : TrainingPrecision.Float32,
            LogEverySteps = 5,
            Seed = 1,
            Device = TransformerDevice.Cpu,
        };
        Console.WriteLine($"Fine-tuning through the pipeline on {rows.Count} KJV → RV1909 pairs: {run}");
        ml.Log += (_, e) =>
        {
            if (e.Kind is Runtime.ChannelMessageKind.Info or Runtime.ChannelMessageKind.Warning)
                Console.WriteLine($"  {DateTime.Now:HH:mm:ss} {e.Message}");
        };
        using var model = ml.Transforms.AttentionEncoder(options).Fit(ml.Data.LoadFromEnumerable(rows));
        var trained = watch.Elapsed;
        using var generator = model.AsEmbeddingGenerator();
        foreach (var task in tasks)
            report(task.Name, task.Evaluator.EvaluateAsync(generator).GetAwaiter().GetResult(), trained);
    }
}
