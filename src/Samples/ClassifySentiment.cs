using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tokenization;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attention.Samples;

/// <summary>
/// Model Builder style sentiment classification: fine-tunes a transformer classifier on UCI yelp reviews (80/20 split), evaluates it
/// with ML.NET's binary evaluator next to ML.NET's classic FeaturizeText + SDCA pipeline, saves and reloads it, and predicts one review.
/// </summary>
internal static class ClassifySentiment
{
    private sealed class Review
    {
        public string Text { get; set; } = "";
        public bool Label { get; set; }
    }

    private sealed class Prediction
    {
        public bool PredictedLabel { get; set; }
        public float Probability { get; set; }
    }

    public static void Run(string datasets)
    {
        var ml = new MLContext(seed: 1);
        var reviews = File.ReadLines(Path.Combine(datasets, "classification", "uci-sentiment", "yelp_labelled.txt"))
            .Select(l => l.Split('\t')).Where(p => p.Length == 2)
            .Select(p => new Review { Text = p[0], Label = p[1].Trim() == "1" }).ToList();
        var split = ml.Data.TrainTestSplit(ml.Data.LoadFromEnumerable(reviews), testFraction: 0.2, seed: 1);

        Console.WriteLine($"1. Fine-tuning a transformer classifier on {reviews.Count * 4 / 5} yelp reviews");
        var pipeline = ml.BinaryClassification.Trainers.AttentionTextClassifier(new TransformerTextOptions
        {
            TextColumnName = "Text",
            LabelColumnName = "Label",
            Tokenizer = TokenizerKind.WordPiece,
            VocabularyPath = Path.Combine(datasets, "vocab", "bert-base-uncased", "vocab.txt"),
            Model = new TransformerConfig { ModelDimension = 64, LayerCount = 1, HeadCount = 2, MaxSequenceLength = 64 },
            Epochs = 8,
            BatchSize = 16,
            LearningRate = 1e-3,
        });
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var model = pipeline.Fit(split.TrainSet);
        var metrics = ml.BinaryClassification.Evaluate(model.Transform(split.TestSet));
        Console.WriteLine($"   accuracy {metrics.Accuracy:P1}, AUC {metrics.AreaUnderRocCurve:F3}, F1 {metrics.F1Score:F3} ({watch.Elapsed.TotalSeconds:F0} s)");

        var classic = ml.Transforms.Text.FeaturizeText("Features", "Text")
            .Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression())
            .Fit(split.TrainSet);
        var classicMetrics = ml.BinaryClassification.Evaluate(classic.Transform(split.TestSet));
        Console.WriteLine($"2. ML.NET's FeaturizeText + SdcaLogisticRegression on the same split: accuracy {classicMetrics.Accuracy:P1}, AUC {classicMetrics.AreaUnderRocCurve:F3}");

        string path = Path.Combine(Path.GetTempPath(), "mlnet-attention-sentiment.zip");
        ml.Model.Save(model, split.TrainSet.Schema, path);
        var reloaded = new MLContext().Model.Load(path, out _);
        var engine = ml.Model.CreatePredictionEngine<Review, Prediction>(reloaded);
        const string text = "The food was great and the staff were friendly.";
        var prediction = engine.Predict(new Review { Text = text });
        Console.WriteLine($"3. Saved to {path}, reloaded; \"{text}\" -> {(prediction.PredictedLabel ? "positive" : "negative")} ({prediction.Probability:P0})");
        model.Dispose();
    }
}
