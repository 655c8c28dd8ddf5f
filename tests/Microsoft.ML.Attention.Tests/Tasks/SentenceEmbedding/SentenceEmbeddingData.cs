using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tasks;
using Microsoft.ML.Attention.Tokenization;
using Microsoft.ML.Attention.Training;

namespace Microsoft.ML.Attention.Tests.Tasks.SentenceEmbedding;

/// <summary>Real rows and tiny models for the sentence-embedding tests.</summary>
internal static class SentenceEmbeddingData
{
    /// <summary>The first <paramref name="count"/> verses of datasets/parallel/bible/verses.tsv as (KJV, WEB, RV1909).</summary>
    public static List<(string Kjv, string Web, string Rv1909)> Verses(int count) =>
        [.. File.ReadLines(TestData.Path("parallel", "bible", "verses.tsv"))
            .Skip(1)
            .Select(l => l.Split('\t'))
            .Where(p => p[3].Length > 0 && p[4].Length > 0 && p[5].Length > 0)
            .Take(count)
            .Select(p => (p[3], p[4], p[5]))];

    /// <summary>A training row of the task: the anchor in "Text" (the column Transform embeds), the positive in "Positive".</summary>
    public sealed class PairRow
    {
        public string Text { get; set; } = "";
        public string Positive { get; set; } = "";
    }

    /// <summary>King James verses (anchors) with their Reina-Valera 1909 translation (positives).</summary>
    public static List<PairRow> KjvToRv1909(int count) => [.. Verses(count).Select(v => new PairRow { Text = v.Kjv, Positive = v.Rv1909 })];

    /// <summary>Options of a tiny <see cref="TransformerTask.SentenceEmbedding"/> run from scratch (character tokenizer, fixed seed, CPU).</summary>
    public static TransformerTextOptions TinyTask(int maxSteps, int batchSize = 8)
    {
        var options = Estimators.TinyModels.MaskedLm();
        options.Task = TransformerTask.SentenceEmbedding;
        options.MaxSteps = maxSteps;
        options.Epochs = 1000;
        options.BatchSize = batchSize;
        options.InferenceBatchSize = 3;
        return options;
    }

    public static TransformerConfig Tiny(TextTokenizer tokenizer, double dropout = 0) => new()
    {
        VocabularySize = tokenizer.VocabularySize,
        ModelDimension = 32,
        LayerCount = 1,
        HeadCount = 2,
        MaxSequenceLength = 64,
        Dropout = dropout,
        AttentionDropout = dropout,
    };

    public static TrainingSettings Settings(int batchSize, int maxSteps, double learningRate = 2e-3) => new()
    {
        Epochs = 1000, MaxSteps = maxSteps, BatchSize = batchSize, LearningRate = learningRate, WarmupFraction = 0.1, MinimumLearningRateFraction = 0.1,
        WeightDecay = 0.01, AdamBeta1 = 0.9, AdamBeta2 = 0.999, GradientClipNorm = 1.0, LogEverySteps = 0, Seed = 1,
    };

    public static SentenceEmbeddingLossSettings Loss(int miniBatchSize = 0, bool symmetric = false) =>
        new(MultipleNegativesRankingLoss.DefaultScale, symmetric, miniBatchSize, ExcludeDuplicates: true);
}
