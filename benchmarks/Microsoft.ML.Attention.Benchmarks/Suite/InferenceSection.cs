using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attention.Benchmarks.Suite;

/// <summary>
/// (5) Inference: <c>PredictionEngine</c> latency of one sentence (p50, p99) and batch <c>Transform</c> rows/s for a
/// <c>TextClassification</c> model, with ML.NET's bag-of-words pipeline beside it (see <see cref="Classifiers"/>).
/// </summary>
internal static class InferenceSection
{
    public static SectionResult Run(SuiteContext context)
    {
        var ml = new MLContext(seed: 1);
        int rowCount = context.Pick(500, 1000), predictions = context.Pick(300, 2000), passes = context.Pick(1, 3);
        var sentences = Classifiers.Sst2(context.Datasets, rowCount);
        var data = ml.Data.LoadFromEnumerable(sentences);
        var training = ml.Data.LoadFromEnumerable(sentences.Take(64).ToList());
        var encoder = Classifiers.Encoder(ml, context.Datasets, training);
        var bagOfWords = Classifiers.BagOfWords(ml, data);

        var rows = new List<IReadOnlyList<string>>();
        var figures = new Dictionary<string, double>();
        foreach (var (name, model, key) in new[] { ("TextClassification (4 layers, d = 256)", encoder, "encoder"), ("FeaturizeText + SdcaLogisticRegression", bagOfWords, "bag_of_words") })
        {
            var latencies = Latencies(ml.Model.CreatePredictionEngine<Classifiers.Sentence, Classifiers.ScoreRow>(model), sentences, predictions);
            double p50 = Percentile(latencies, 0.50), p99 = Percentile(latencies, 0.99);
            double rowsPerSecond = BatchRowsPerSecond(model, data, rowCount, passes);
            rows.Add([name, Format.Ms(p50), Format.Ms(p99), Format.N(rowsPerSecond)]);
            figures[$"{key}/p50_ms"] = p50 * 1000;
            figures[$"{key}/p99_ms"] = p99 * 1000;
            figures[$"{key}/rows_per_second"] = rowsPerSecond;
        }

        var meanTokens = sentences.Average(s => s.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
        var notes = new List<string>
        {
            $"SST-2 training sentences (mean {meanTokens.ToString("F1", CultureInfo.InvariantCulture)} words). Latency: {predictions} single-sentence " +
            $"`PredictionEngine.Predict` calls after 20 warm-up calls. Batch: `Transform` of {rowCount} rows read through `GetColumn` " +
            $"(the encoder's `InferenceBatchSize` 32), best of {passes} pass(es) after a warm-up pass. The encoder is float32 with random-ish weights (1 epoch on 64 rows): speed does not depend on them.",
        };
        return new SectionResult("inference", "Inference: PredictionEngine latency and batch Transform",
            ["model", "p50 latency", "p99 latency", "batch Transform rows/s"], rows, notes, figures);
    }

    private static double[] Latencies(PredictionEngine<Classifiers.Sentence, Classifiers.ScoreRow> engine, List<Classifiers.Sentence> sentences, int count)
    {
        for (int i = 0; i < 20; i++)
            engine.Predict(sentences[i % sentences.Count]);
        var times = new double[count];
        for (int i = 0; i < count; i++)
        {
            long start = Stopwatch.GetTimestamp();
            engine.Predict(sentences[i % sentences.Count]);
            times[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        return times;
    }

    private static double BatchRowsPerSecond(ITransformer model, IDataView data, int rowCount, int passes)
    {
        void Read()
        {
            var scored = model.Transform(data);
            int read = scored.GetColumn<float>("Score").Count();
            if (read != rowCount)
                throw new InvalidOperationException($"Transform gave {read} rows, expected {rowCount}.");
        }

        Read();
        double best = double.MaxValue;
        for (int pass = 0; pass < passes; pass++)
        {
            var watch = Stopwatch.StartNew();
            Read();
            best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }
        return rowCount / best;
    }

    public static double Percentile(double[] values, double fraction)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(fraction * sorted.Length) - 1)];
    }
}
