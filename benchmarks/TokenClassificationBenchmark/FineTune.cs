using System.Diagnostics;
using Microsoft.ML.Data;
using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tokenization;

namespace Microsoft.ML.Attention.Benchmarks;

/// <summary>One Brown sentence as the estimator reads it: its words, its Brown tags and its IOB2 NAME tags.</summary>
public sealed class BrownRow
{
    public string[] Words { get; set; } = [];
    public string[] Tags { get; set; } = [];
    public string[] Names { get; set; } = [];
}

/// <summary>
/// Fine-tunes <see cref="TransformerTask.TokenClassification"/> twice, once on the Brown tags and once on the NAME spans (two runs, the
/// same settings), from the imported all-MiniLM-L6-v2 or from random weights of the same shape: TrainingPrecision Automatic (bf16 matrix
/// products where the CPU has them), batches grouped by length (the training loop's), AdamW with warmup and cosine decay.
/// </summary>
public static class FineTune
{
    /// <summary>The settings of one fine-tuning run.</summary>
    /// <param name="Pretrained">true = from all-MiniLM-L6-v2; false = its architecture with random weights.</param>
    /// <param name="Epochs">Passes over the training sentences.</param>
    /// <param name="BatchSize">Windows per step.</param>
    /// <param name="LearningRate">Peak learning rate.</param>
    /// <param name="MaxSequenceLength">Positions per window ([CLS] and [SEP] included).</param>
    /// <param name="CaseFeatures">true = <see cref="TokenClassificationOptions.CaseFeatures"/> (word shapes added to the input embeddings).</param>
    public sealed record Settings(bool Pretrained, int Epochs, int BatchSize, double LearningRate, int MaxSequenceLength, bool CaseFeatures)
    {
        public override string ToString() =>
            $"{(Pretrained ? "all-MiniLM-L6-v2" : "random weights, MiniLM shape")}, {Epochs} epoch(s), batch {BatchSize}, lr {LearningRate:G3}, " +
            $"windows of {MaxSequenceLength}, {(CaseFeatures ? "case features" : "no case features")}, TrainingPrecision Automatic, length-grouped batches";
    }

    /// <summary>
    /// Trains on <paramref name="train"/> and returns the table rows for <paramref name="evaluations"/>; prints, for the first evaluation
    /// part, the most frequent tag confusions (gold → predicted) and the NAME errors by the shape of the entity's first word.
    /// </summary>
    public static List<string> Run(MLContext ml, IReadOnlyList<BrownRow> train, IReadOnlyList<(string Part, List<BrownRow> Rows)> evaluations, Settings settings,
        bool progress)
    {
        var lines = new List<string>();
        var results = new Dictionary<string, (double Accuracy, EntityMetrics? Names)>();
        var trainView = ml.Data.LoadFromEnumerable(train);
        var times = new List<string>();
        foreach (var (label, scheme) in new[] { ("Tags", TagScheme.None), ("Names", TagScheme.Iob2) })
        {
            var clock = Stopwatch.StartNew();
            using var model = ml.Transforms.AttentionEncoder(Options(settings, label, scheme)).Fit(trainView);
            double fit = clock.Elapsed.TotalSeconds;
            foreach (var (part, rows) in evaluations)
            {
                var predicted = model.Transform(ml.Data.LoadFromEnumerable(rows)).GetColumn<string[]>("PredictedLabel").ToList();
                var gold = rows.Select(r => label == "Tags" ? r.Tags : r.Names).ToList();
                var metrics = TokenClassificationEvaluator.Evaluate(gold.Select(g => (IReadOnlyList<string>)g).ToList(),
                    predicted.Select(p => (IReadOnlyList<string>)p).ToList(), scheme);
                var previous = results.GetValueOrDefault(part);
                results[part] = scheme == TagScheme.None ? (metrics.TokenAccuracy, previous.Names) : (previous.Accuracy, metrics.Entities);
                if (part == evaluations[0].Part)
                    Console.WriteLine(scheme == TagScheme.None ? ErrorReport.TagConfusions(part, gold, predicted) : ErrorReport.NameErrors(part, rows, gold, predicted));
            }
            times.Add($"{label}: fit {fit:F0} s, fit + evaluate {clock.Elapsed.TotalSeconds:F0} s");
            if (progress)
                Console.WriteLine($"  {DateTime.Now:HH:mm:ss} {label} done ({times[^1]})");
        }
        foreach (var (part, rows) in evaluations)
        {
            var (accuracy, names) = results[part];
            lines.Add($"| Brown {part} ({rows.Count} sentences) | fine-tuned: {settings}; {train.Count} training sentences | {accuracy:P2} | " +
                $"{names!.Precision:P2} | {names.Recall:P2} | {names.F1:P2} | {string.Join("; ", times)} |");
        }
        return lines;
    }

    private static TransformerTextOptions Options(Settings settings, string label, TagScheme scheme)
    {
        var options = new TransformerTextOptions
        {
            Task = TransformerTask.TokenClassification,
            Tokenizer = TokenizerKind.WordPiece,
            VocabularyPath = MiniLm.VocabularyPath,
            MaxSequenceLength = settings.MaxSequenceLength,
            Epochs = settings.Epochs,
            BatchSize = settings.BatchSize,
            LearningRate = settings.LearningRate,
            WarmupFraction = 0.06,
            TrainingPrecision = TrainingPrecision.Automatic,
            Seed = 1,
            LogEverySteps = 0,
            Device = TransformerDevice.Cpu,
            TokenClassification = new TokenClassificationOptions
            {
                WordsColumnName = "Words", LabelColumnName = label, TagScheme = scheme, Stride = settings.MaxSequenceLength / 2,
                CaseFeatures = settings.CaseFeatures,
            },
        };
        if (settings.Pretrained)
            options.InitialModel = MiniLm.ModelPath;
        else
            options.Model = MiniLmShape(settings.MaxSequenceLength);
        return options;
    }

    // all-MiniLM-L6-v2's architecture as the importer reads it (BertLayout): 6 post-norm BERT layers of 384 dimensions, 12 heads, GELU.
    private static TransformerConfig MiniLmShape(int maxSequenceLength) => new()
    {
        ModelDimension = 384,
        LayerCount = 6,
        HeadCount = 12,
        FeedForwardDimension = 1536,
        MaxSequenceLength = maxSequenceLength,
        Activation = ActivationKind.Gelu,
        NormalizationPlacement = NormalizationPlacement.PostNorm,
        PositionalEncoding = PositionalEncodingKind.Learned,
        NormalizeEmbeddings = true,
        TokenTypeCount = 2,
        NormalizationEpsilon = 1e-12,
    };
}
