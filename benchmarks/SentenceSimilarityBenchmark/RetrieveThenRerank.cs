using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.AI;

namespace Microsoft.ML.Attention.Benchmarks;

/// <summary>
/// Retrieve-then-rerank on KJV → RV1909: the fine-tuned bi-encoder retrieves the top <see cref="Settings.RetrieveCount"/> RV1909
/// verses of the test books for each KJV query (<see cref="CandidateRanker.Rank(ReadOnlyMemory{float}, IReadOnlyList{ReadOnlyMemory{float}}, int)"/>
/// over the corpus embeddings, computed once), and a cross-encoder reranks them (<see cref="CandidateRanker.Rerank"/> with
/// <see cref="TransformerPairScorer.Score(IReadOnlyList{ValueTuple{string, string}})"/>).
/// The cross-encoder is <see cref="TransformerTask.TextClassification"/> with a Boolean label and <c>SecondTextColumnName</c>, fitted
/// through the public pipeline from all-MiniLM-L6-v2 on training-book pairs: each mined KJV verse with its RV1909 verse (true) and
/// <see cref="Settings.Negatives"/> hard negatives (false): the RV1909 verses the bi-encoder ranks highest for it among the mined
/// verses' RV1909 texts that are not its own.
/// </summary>
internal static class RetrieveThenRerank
{
    /// <param name="Steps">Cross-encoder training steps.</param>
    /// <param name="BatchSize">Pairs per step.</param>
    /// <param name="LearningRate">Peak learning rate.</param>
    /// <param name="MaxTokens">Tokens of a (query, candidate) pair, both texts together.</param>
    /// <param name="MinedVerses">Training verses whose pairs and negatives are mined (seeded random sample).</param>
    /// <param name="Negatives">Hard negatives per positive.</param>
    /// <param name="RetrieveCount">How many the bi-encoder retrieves per query for the cross-encoder.</param>
    /// <param name="BFloat16">bf16 matrix products in training.</param>
    /// <param name="InitialModel">The cross-encoder's initial model: all-MiniLM-L6-v2 when null, else a saved .zip (e.g. the fine-tuned bi-encoder, whose encoder already aligns English and Spanish).</param>
    public sealed record Settings(int Steps, int BatchSize, double LearningRate, int MaxTokens, int MinedVerses, int Negatives, int RetrieveCount, bool BFloat16,
        string? InitialModel = null);

    /// <summary>A cross-encoder training row: a KJV verse, an RV1909 verse, and whether it is the same verse.</summary>
    private sealed class PairRow
    {
        public string Query { get; set; } = "";
        public string Candidate { get; set; } = "";
        public bool Relevant { get; set; }
    }

    public static void Run(MLContext ml, TransformerTextTransformer biEncoder, IReadOnlyList<Verse> train, RetrievalTask task, Settings run,
        Action<string, InformationRetrievalMetrics, string> report)
    {
        using var generator = biEncoder.AsEmbeddingGenerator();
        var rows = MineRows(generator, train, run);
        using var crossEncoder = FitCrossEncoder(ml, rows, run);

        // The corpus is embedded once (an index); a query's retrieve cost is its own embedding and the cosine ranking of the corpus.
        var corpusTexts = task.Corpus.Select(c => c.Value).ToList();
        var watch = Stopwatch.StartNew();
        var corpusVectors = generator.GenerateAsync(corpusTexts).GetAwaiter().GetResult().Select(e => e.Vector).ToList();
        Console.WriteLine($"Embedded the {corpusTexts.Count} RV1909 test verses in {watch.Elapsed.TotalSeconds:F1} s (once, before the queries).");

        using var scorer = crossEncoder.AsPairScorer();
        var retrieved = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var reranked = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var retrieveTime = TimeSpan.Zero;
        var rerankTime = TimeSpan.Zero;
        foreach (var (id, text) in task.Queries)
        {
            watch.Restart();
            var vector = generator.GenerateAsync([text]).GetAwaiter().GetResult()[0].Vector;
            var top = CandidateRanker.Rank(vector, corpusVectors, run.RetrieveCount);
            retrieveTime += watch.Elapsed;
            watch.Restart();
            var reordered = CandidateRanker.Rerank(scorer.Score, text, corpusTexts, top, run.RetrieveCount);
            rerankTime += watch.Elapsed;
            retrieved[id] = [.. top.Select(r => task.Corpus[r.Index].Key)];
            reranked[id] = [.. reordered.Select(r => task.Corpus[r.Index].Key)];
        }

        int queries = task.Queries.Count;
        var evaluator = new InformationRetrievalEvaluator(task.Queries, task.Corpus, task.Relevant, [1, 3, 10, run.RetrieveCount]);
        string Cost(TimeSpan total) => string.Create(CultureInfo.InvariantCulture, $"{total.TotalMilliseconds / queries:F1} ms");
        report($"fine-tuned bi-encoder, top {run.RetrieveCount} by cosine (one query at a time)", evaluator.EvaluateRankings(retrieved), Cost(retrieveTime));
        report($"the same top {run.RetrieveCount} reranked by the cross-encoder ({run.RetrieveCount} pairs a query, one forward pass)", evaluator.EvaluateRankings(reranked),
            Cost(retrieveTime + rerankTime) + $" (rerank {Cost(rerankTime)})");
    }

    /// <summary>
    /// The cross-encoder's training rows: for a seeded sample of training verses, (KJV, own RV1909, true) and (KJV, another verse's
    /// RV1909, false) for the bi-encoder's highest-ranked other RV1909 verses of the sample (texts equal to the positive are skipped: a
    /// repeated verse is not a negative).
    /// </summary>
    private static List<PairRow> MineRows(IEmbeddingGenerator<string, Embedding<float>> generator, IReadOnlyList<Verse> train, Settings run)
    {
        var watch = Stopwatch.StartNew();
        var sample = train.Where(v => v.Kjv.Length > 0 && v.Rv1909.Length > 0).ToArray();
        new Random(3).Shuffle(sample);
        sample = sample[..Math.Min(run.MinedVerses, sample.Length)];
        var queries = generator.GenerateAsync(sample.Select(v => v.Kjv)).GetAwaiter().GetResult();
        var pool = generator.GenerateAsync(sample.Select(v => v.Rv1909)).GetAwaiter().GetResult().Select(e => e.Vector).ToList();
        var rows = new List<PairRow>();
        int ownFirst = 0;
        for (int i = 0; i < sample.Length; i++)
        {
            var ranked = CandidateRanker.Rank(queries[i].Vector, pool, run.Negatives + 2);
            ownFirst += ranked[0].Index == i ? 1 : 0;
            rows.Add(new PairRow { Query = sample[i].Kjv, Candidate = sample[i].Rv1909, Relevant = true });
            rows.AddRange(ranked.Where(r => r.Index != i && sample[r.Index].Rv1909 != sample[i].Rv1909).Take(run.Negatives)
                .Select(r => new PairRow { Query = sample[i].Kjv, Candidate = sample[r.Index].Rv1909, Relevant = false }));
        }
        Console.WriteLine($"Mined {rows.Count} cross-encoder rows ({sample.Length} positives, {rows.Count - sample.Length} hard negatives) from {sample.Length} training verses in {watch.Elapsed.TotalSeconds:F0} s; the bi-encoder ranks the right verse first for {ownFirst} of them ({100.0 * ownFirst / sample.Length:F1} %) among the {sample.Length}.");
        return rows;
    }

    private static TransformerTextTransformer FitCrossEncoder(MLContext ml, List<PairRow> rows, Settings run)
    {
        var watch = Stopwatch.StartNew();
        var options = MiniLmFineTune.Options(TransformerTask.TextClassification, run.MaxTokens, run.Steps, run.BatchSize, run.LearningRate, run.BFloat16);
        options.TextColumnName = nameof(PairRow.Query);
        options.TextClassification.SecondTextColumnName = nameof(PairRow.Candidate);
        options.TextClassification.LabelColumnName = nameof(PairRow.Relevant);
        options.WarmupFraction = 0.1;
        if (run.InitialModel is { } initial)
            options.InitialModel = initial;
        Console.WriteLine($"Fitting the cross-encoder (TextClassification, Boolean label, pairs) from {run.InitialModel ?? "all-MiniLM-L6-v2"}: {run}");
        var model = ml.Transforms.AttentionEncoder(options).Fit(ml.Data.LoadFromEnumerable(rows));
        Console.WriteLine($"Cross-encoder fitted in {watch.Elapsed.TotalSeconds:F0} s.");
        return model;
    }
}
