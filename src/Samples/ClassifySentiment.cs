using Microsoft.ML.Data;

namespace Microsoft.ML.Attention.Samples;

/// <summary>
/// Model Builder style sentiment classification: fine-tunes a classifier from the pretrained all-MiniLM-L6-v2 encoder on UCI yelp
/// reviews (80/20 split), evaluates it with ML.NET's binary evaluator next to ML.NET's classic FeaturizeText + SDCA pipeline, saves
/// and reloads it, and predicts one review.
/// </summary>
internal static class ClassifySentiment
{
    private sealed class Prediction
    {
        public bool PredictedLabel { get; set; }
        public float Probability { get; set; }
    }

    public static void Run(string datasets)
    {
        var ml = new MLContext(seed: 1);
        var reviews = SampleData.YelpReviews(datasets);
        var split = ml.Data.TrainTestSplit(ml.Data.LoadFromEnumerable(reviews), testFraction: 0.2, seed: 1);
        var (encoderPath, vocabularyPath) = SampleData.MiniLmFiles();

        Console.WriteLine($"1. Fine-tuning a classifier from the pretrained all-MiniLM-L6-v2 on {reviews.Count * 4 / 5} yelp reviews");
        var pipeline = ml.BinaryClassification.Trainers.AttentionTextClassifier(new TransformerTextOptions
        {
            TextColumnName = "Text",
            LabelColumnName = "Label",
            InitialModel = encoderPath,          // a BERT-family encoder exported to ONNX; its WordPiece vocabulary comes along
            VocabularyPath = vocabularyPath,
            MaxSequenceLength = 64,
            Epochs = 2,
            BatchSize = 16,
            LearningRate = 5e-5,
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
