using System.Diagnostics;

namespace Microsoft.ML.Attention.Benchmarks;

/// <summary>
/// Fine-tunes all-MiniLM-L6-v2 on the training books' pairs through the public pipeline (<c>Transforms.AttentionEncoder</c> with
/// <see cref="TransformerTask.SentenceEmbedding"/>), then evaluates the retrieval tasks with the fitted transformer's
/// <c>AsEmbeddingGenerator()</c>: what a user of the library runs. The pairs are KJV ↔ RV1909, or both kinds (KJV ↔ RV1909 and
/// KJV ↔ WEB) in one shuffled set, so that every batch mixes them (<see cref="TrainingPairs"/>).
/// </summary>
internal static class TaskFineTune
{
    /// <summary>A training row: the anchor (and the column Transform embeds) in KJV, its positive in RV1909 or WEB.</summary>
    private sealed class PairRow
    {
        public string KJV { get; set; } = "";
        public string Translation { get; set; } = "";
    }

    /// <summary>
    /// The training rows: every training verse's KJV ↔ RV1909 pair; with <paramref name="webShare"/> &gt; 0, also the KJV ↔ WEB pairs of
    /// a seeded random subset of verses, as many as make that share of all rows. The training loop shuffles all rows together, so a
    /// batch holds both kinds in about that proportion (a verse's two pairs in one batch share their anchor and are not each other's
    /// negatives: the task masks duplicate anchors).
    /// </summary>
    public static List<(string Kjv, string Translation, bool Web)> TrainingPairs(IReadOnlyList<Verse> train, double webShare)
    {
        if (webShare is < 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(webShare), webShare, $"--web-share must be in [0, 1); it is {webShare}.");
        var pairs = train.Where(v => v.Kjv.Length > 0 && v.Rv1909.Length > 0).Select(v => (v.Kjv, v.Rv1909, Web: false)).ToList();
        int webCount = (int)Math.Round(pairs.Count * webShare / (1 - webShare));
        var web = train.Where(v => v.Kjv.Length > 0 && v.Web.Length > 0).ToArray();
        new Random(2).Shuffle(web);
        pairs.AddRange(web.Take(Math.Min(webCount, web.Length)).Select(v => (v.Kjv, v.Web, Web: true)));
        return pairs;
    }

    /// <summary>Fits the bi-encoder, reports both tasks, and returns the fitted transformer (the caller disposes it).</summary>
    public static TransformerTextTransformer Run(MLContext ml, IReadOnlyList<Verse> train, IReadOnlyList<RetrievalTask> tasks, DirectFineTune.Settings run,
        double webShare, Action<string, InformationRetrievalMetrics, TimeSpan> report)
    {
        var watch = Stopwatch.StartNew();
        var pairs = TrainingPairs(train, webShare);
        var rows = pairs.Select(p => new PairRow { KJV = p.Kjv, Translation = p.Translation }).ToList();
        var options = MiniLmFineTune.Options(TransformerTask.SentenceEmbedding, run.MaxTokens, run.Steps, run.BatchSize, run.LearningRate, run.BFloat16);
        options.TextColumnName = nameof(PairRow.KJV);
        options.SentenceEmbedding.PositiveColumnName = nameof(PairRow.Translation);
        options.SentenceEmbedding.Symmetric = run.Symmetric;
        options.SentenceEmbedding.CachedMiniBatchSize = run.MiniBatchSize;
        Console.WriteLine($"Fine-tuning through the pipeline on {pairs.Count(p => !p.Web)} KJV → RV1909 and {pairs.Count(p => p.Web)} KJV → WEB pairs: {run}");
        var model = ml.Transforms.AttentionEncoder(options).Fit(ml.Data.LoadFromEnumerable(rows));
        var trained = watch.Elapsed;
        using var generator = model.AsEmbeddingGenerator();
        foreach (var task in tasks)
            report(task.Name, task.Evaluator.EvaluateAsync(generator).GetAwaiter().GetResult(), trained);
        return model;
    }
}
