using System.Globalization;
using Microsoft.ML.Attention.Tests.Tasks.SentenceEmbedding;

namespace Microsoft.ML.Attention.Tests.Tasks.SentenceSimilarity;

/// <summary>Real rows and tiny options for the sentence-similarity (regression) tests.</summary>
internal static class SentenceSimilarityData
{
    public sealed class ScoredRow
    {
        public string Text { get; set; } = "";
        public float Label { get; set; }
    }

    public sealed class ScoredPairRow
    {
        public string Text { get; set; } = "";
        public string Second { get; set; } = "";
        public float Label { get; set; }
    }

    /// <summary>SST-2 training phrases of at least three words with their 0/1 sentiment as a float target, in file order.</summary>
    public static List<ScoredRow> Sst2(int count) =>
        [.. File.ReadLines(TestData.Path("classification", "sst2", "train.tsv")).Skip(1)
            .Select(l => l.Split('\t'))
            .Where(p => p[0].Trim().Split(' ').Length >= 3)
            .Take(count)
            .Select(p => new ScoredRow { Text = p[0], Label = float.Parse(p[1], CultureInfo.InvariantCulture) })];

    /// <summary>King James verses paired with their Reina-Valera translation (target 1) or the next verse's (target 0), alternating.</summary>
    public static List<ScoredPairRow> VersePairs(int count)
    {
        var verses = SentenceEmbeddingData.Verses(count + 1);
        return [.. Enumerable.Range(0, count).Select(i => new ScoredPairRow
        {
            Text = verses[i].Kjv, Second = i % 2 == 0 ? verses[i].Rv1909 : verses[i + 1].Rv1909, Label = i % 2 == 0 ? 1 : 0,
        })];
    }

    /// <summary>Options of a tiny <see cref="TransformerTask.SentenceSimilarity"/> run from scratch (character tokenizer, fixed seed, CPU).</summary>
    public static TransformerTextOptions TinyTask(int maxSteps, string? secondTextColumnName = null)
    {
        var options = Estimators.TinyModels.MaskedLm();
        options.Task = TransformerTask.SentenceSimilarity;
        options.MaxSteps = maxSteps;
        options.Epochs = 1000;
        options.InferenceBatchSize = 3;
        options.SentenceSimilarity.SecondTextColumnName = secondTextColumnName;
        return options;
    }
}
