using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Attention.Tokenization;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Microsoft.ML.Attention.Benchmarks;

/// <summary>
/// <see cref="TransformerTextTransformer.ExportToOnnx"/> measured: ONNX Runtime on the exported file against the library's own Transform
/// (parity on real phrases, and the re-import round trip), and rows/s of the exported all-MiniLM-L6-v2 under ONNX Runtime against
/// Transform in float32 and bfloat16.
/// </summary>
public static class OnnxExportCheck
{
    private const int BatchSize = 32;

    /// <summary>The imported all-MiniLM-L6-v2 and a classifier trained from scratch on yelp, each exported and scored by ONNX Runtime on <paramref name="texts"/>.</summary>
    public static void Parity(MLContext ml, string[] texts, IDataView yelpTrain, TransformerTextOptions classifierOptions, List<string> table)
    {
        var data = ml.Data.LoadFromEnumerable(texts.Select(t => new SentimentRow { Text = t }));
        string folder = Directory.CreateTempSubdirectory("mlattention-onnx-check").FullName;

        using var encoder = Encoder(ml, MiniLm.ModelPath, InferencePrecision.Float32);
        var expected = Vectors(encoder.Transform(data), "Embedding");
        string encoderPath = Path.Combine(folder, "minilm.onnx");
        encoder.ExportToOnnx(encoderPath);
        float[][] exported;
        using (var session = new InferenceSession(encoderPath))
            exported = Run(session, encoder.Tokenizer, encoder.Config.MaxSequenceLength, texts, "sentence_embedding", encoder.Config.ModelDimension);
        using var reimported = Encoder(ml, encoderPath, InferencePrecision.Float32);
        var roundTrip = Vectors(reimported.Transform(data), "Embedding");
        Row($"exported all-MiniLM-L6-v2 under ONNX Runtime 1.31.1 vs ImportEncoder Transform (sentence_embedding, float32)", MaxDifference(expected, exported), "");
        Row("the export re-imported with ImportEncoder vs the original (Transform)", MaxDifference(expected, roundTrip), "");

        using var classifier = ml.Transforms.AttentionEncoder(classifierOptions).Fit(yelpTrain);
        var scored = classifier.Transform(data);
        var scores = scored.GetColumn<float>("Score").Select(s => new[] { s }).ToArray();
        string classifierPath = Path.Combine(folder, "classifier.onnx");
        classifier.ExportToOnnx(classifierPath);
        float[][] logits;
        using (var session = new InferenceSession(classifierPath))
            logits = Run(session, classifier.Tokenizer, classifier.Config.MaxSequenceLength, texts, "logits", 1);
        int agree = scores.Zip(logits).Count(p => p.First[0] > 0 == p.Second[0] > 0);
        Row("exported classifier (trained from scratch on yelp) under ONNX Runtime vs Transform Score (logit)", MaxDifference(scores, logits),
            $"same PredictedLabel on {agree} of {texts.Length}");
        Directory.Delete(folder, recursive: true);

        void Row(string method, double difference, string note)
        {
            table.Add($"| {texts.Length} SST-2 phrases, batches of {BatchSize} | {method} | max abs diff {difference:E1} | {note} |");
            Console.WriteLine(table[^1]);
        }
    }

    /// <summary>
    /// Rows/s of all-MiniLM-L6-v2: Transform (float32, bfloat16) and the exported file under ONNX Runtime (tokenized by the library, batches
    /// of 32 sorted by length within windows of 8 batches, as Transform does), at 1 and 2 threads. Turns, three rounds, best round each.
    /// </summary>
    public static void Speed(MLContext ml, string[] texts, List<string> table)
    {
        var data = ml.Data.LoadFromEnumerable(texts.Select(t => new SentimentRow { Text = t }));
        string path = Path.Combine(Directory.CreateTempSubdirectory("mlattention-onnx-speed").FullName, "minilm.onnx");
        using (var exporter = Encoder(ml, MiniLm.ModelPath, InferencePrecision.Float32))
            exporter.ExportToOnnx(path);
        int original = TorchSharp.torch.get_num_threads();
        foreach (int threads in new[] { 1, 2 })
        {
            TorchSharp.torch.set_num_threads(threads);
            using var float32 = Encoder(ml, MiniLm.ModelPath, InferencePrecision.Float32);
            using var bfloat16 = Encoder(ml, MiniLm.ModelPath, InferencePrecision.BFloat16);
            using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
            using var session = new InferenceSession(path, options);
            var methods = new (string Name, Func<double> Rate)[]
            {
                ("ImportEncoder Transform, Float32", () => Rate(() => Vectors(float32.Transform(data), "Embedding"))),
                ("ImportEncoder Transform, BFloat16", () => Rate(() => Vectors(bfloat16.Transform(data), "Embedding"))),
                ("ExportToOnnx file under ONNX Runtime 1.31.1, float32", () => Rate(() => Run(session, float32.Tokenizer, float32.Config.MaxSequenceLength, texts, "sentence_embedding", 384))),
            };
            var best = new double[methods.Length];
            for (int round = 0; round < 3; round++)
            {
                for (int m = 0; m < methods.Length; m++)
                    best[m] = Math.Max(best[m], methods[m].Rate());
            }
            for (int m = 0; m < methods.Length; m++)
            {
                table.Add($"| {texts.Length} SST-2 phrases, batches of {BatchSize} | {methods[m].Name} | {best[m]:F0} rows/s | {threads} thread(s) | all-MiniLM-L6-v2, mean pooling + L2, best of 3 turns |");
                Console.WriteLine(table[^1]);
            }
        }
        TorchSharp.torch.set_num_threads(original);
        File.Delete(path);

        double Rate(Func<float[][]> run)
        {
            var watch = Stopwatch.StartNew();
            run();
            return texts.Length / watch.Elapsed.TotalSeconds;
        }
    }

    private static TransformerTextTransformer Encoder(MLContext ml, string modelPath, InferencePrecision precision) => ml.Transforms.ImportEncoder(new ImportEncoderOptions
    {
        ModelPath = modelPath, VocabularyPath = MiniLm.VocabularyPath, InferencePrecision = precision, InferenceBatchSize = BatchSize,
    });

    /// <summary>
    /// ONNX Runtime on <paramref name="texts"/>: windows of 8 batches sorted by token count (as Transform batches), each batch encoded by
    /// the library's tokenizer; returns the <paramref name="output"/> rows ([width] each) in input order.
    /// </summary>
    private static float[][] Run(InferenceSession session, TextTokenizer tokenizer, int maxLength, string[] texts, string output, int width)
    {
        var result = new float[texts.Length][];
        for (int window = 0; window < texts.Length; window += 8 * BatchSize)
        {
            var order = Enumerable.Range(window, Math.Min(8 * BatchSize, texts.Length - window)).OrderBy(i => tokenizer.Encode(texts[i]).Length).ToArray();
            foreach (var rows in order.Chunk(BatchSize))
            {
                var batch = BatchEncoder.EncodeForEncoder(tokenizer, [.. rows.Select(i => texts[i])], maxLength);
                int[] shape = [batch.BatchSize, batch.SequenceLength];
                var inputs = new List<NamedOnnxValue>
                {
                    NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(batch.InputIds, shape)),
                    NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(batch.AttentionMask, shape)),
                    NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(batch.TokenTypeIds, shape)),
                };
                using var results = session.Run(inputs, [output]);
                var values = results.First().AsTensor<float>().ToArray();
                for (int r = 0; r < rows.Length; r++)
                    result[rows[r]] = values.AsSpan(r * width, width).ToArray();
            }
        }
        return result;
    }

    private static float[][] Vectors(IDataView view, string column) => view.GetColumn<float[]>(column).ToArray();

    private static double MaxDifference(float[][] expected, float[][] actual) =>
        expected.Zip(actual).Max(pair => pair.First.Zip(pair.Second).Max(p => Math.Abs((double)p.First - p.Second)));
}
