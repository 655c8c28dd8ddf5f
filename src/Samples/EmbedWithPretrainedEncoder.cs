using System.Diagnostics;
using Microsoft.Extensions.AI;

namespace Microsoft.ML.Attention.Samples;

/// <summary>
/// Sentence embeddings from a pretrained encoder, no training: imports all-MiniLM-L6-v2 from its ONNX file, trains ML.NET's SDCA
/// logistic regression on the embeddings of UCI yelp reviews (80/20) next to FeaturizeText + SDCA, saves and reloads the encoder as
/// an ML.NET .zip, and finds the review closest to a query through the Microsoft.Extensions.AI embedding generator.
/// </summary>
internal static class EmbedWithPretrainedEncoder
{
    public static void Run(string datasets)
    {
        var ml = new MLContext(seed: 1);
        var (encoderPath, vocabularyPath) = SampleData.MiniLmFiles();
        var reviews = SampleData.YelpReviews(datasets);
        var split = ml.Data.TrainTestSplit(ml.Data.LoadFromEnumerable(reviews), testFraction: 0.2, seed: 1);

        Console.WriteLine("1. Importing all-MiniLM-L6-v2 (6 layers, 384 dimensions) from its ONNX file");
        var watch = Stopwatch.StartNew();
        using var encoder = ml.Transforms.ImportEncoder(encoderPath, vocabularyPath, outputColumnName: "Features", inputColumnName: "Text");
        // SDCA reads its input many times: cache the embeddings once instead of re-encoding every pass.
        var embeddedTrain = ml.Data.Cache(encoder.Transform(split.TrainSet));
        var classifier = ml.BinaryClassification.Trainers.SdcaLogisticRegression().Fit(embeddedTrain);
        var metrics = ml.BinaryClassification.Evaluate(classifier.Transform(encoder.Transform(split.TestSet)));
        Console.WriteLine($"2. SDCA on the frozen embeddings (yelp, 80/20): accuracy {metrics.Accuracy:P1}, AUC {metrics.AreaUnderRocCurve:F3} ({watch.Elapsed.TotalSeconds:F0} s)");

        var classic = ml.Transforms.Text.FeaturizeText("Features", "Text").Append(ml.BinaryClassification.Trainers.SdcaLogisticRegression()).Fit(split.TrainSet);
        Console.WriteLine($"   ML.NET's FeaturizeText + SDCA on the same split: accuracy {ml.BinaryClassification.Evaluate(classic.Transform(split.TestSet)).Accuracy:P1}");

        string path = Path.Combine(Path.GetTempPath(), "mlnet-attention-minilm.zip");
        ml.Model.Save(encoder, split.TrainSet.Schema, path);
        using var reloaded = (TransformerTextTransformer)new MLContext().Model.Load(path, out _);
        Console.WriteLine($"3. Saved the imported encoder to {path} ({new FileInfo(path).Length / (1 << 20)} MB: weights and vocabulary inside) and reloaded it");

        using var generator = reloaded.AsEmbeddingGenerator();
        const string query = "the service was slow and the waiter was rude";
        var documents = reviews.Take(200).Select(r => r.Text).ToList();
        var vectors = generator.GenerateAsync([query, .. documents]).GetAwaiter().GetResult();
        float[] queryVector = vectors[0].Vector.ToArray();
        // The embeddings have unit length: the dot product is the cosine similarity.
        int best = Enumerable.Range(0, documents.Count).MaxBy(i => queryVector.Zip(vectors[i + 1].Vector.ToArray(), (a, b) => a * b).Sum());
        Console.WriteLine($"4. IEmbeddingGenerator search over 200 reviews: \"{query}\" -> \"{documents[best]}\"");
    }
}
