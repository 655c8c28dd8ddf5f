using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Attention.OnnxRuntime;
using Microsoft.ML.Attention.Persistence.Export;
using Microsoft.ML.Attention.Tokenization;
using Microsoft.ML.Data;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Benchmarks;

/// <summary>
/// The engines for all-MiniLM-L6-v2 in one run (section <c>onnx-engines</c>): Transform on TorchSharp in float32 and bfloat16 and on the
/// ONNX Runtime engine (<see cref="InferenceEngine.OnnxRuntime"/>: standard float32, fused float32, int8), and the standalone
/// <see cref="OnnxRuntimeForward"/> loop on the same exported graphs; rows/s at libtorch's thread count (batches of 32 sorted by length
/// within windows of 8 batches, as Transform batches; tokenization included), single-row latency p50/p99 over every phrase
/// (PredictionEngine, one-row batches for the loop), the issue's ratios, resident memory, the fused kernels left after ONNX Runtime's
/// optimizer, and int8's cosine to float32.
/// </summary>
public static class OnnxEngines
{
    private const int BatchSize = 32;
    private const int Rounds = 3;

    private sealed class EmbeddingRow
    {
        [VectorType(384)]
        public float[] Embedding { get; set; } = [];
    }

    public static void Run(MLContext ml, string[] texts, List<string> table)
    {
        var data = ml.Data.LoadFromEnumerable(texts.Select(t => new SentimentRow { Text = t }));
        var graphs = new Dictionary<OnnxRuntimeGraph, byte[]>();
        float[][] reference;
        using (var exporter = Encoder(ml, InferencePrecision.Float32))
        {
            foreach (var graph in Enum.GetValues<OnnxRuntimeGraph>())
                graphs[graph] = OnnxRuntimeForward.ExportModel(exporter, graph);
            reference = exporter.Transform(data).GetColumn<float[]>("Embedding").ToArray();
        }
        // Before/after of the packed query/key/value product (OnnxExportOptions.PackedProjections) in the same run: the three-product forms.
        var separate = new OnnxExportOptions(Fused: true, PackedProjections: false);
        byte[] fusedSeparate, int8Separate;
        using (var exporter = Encoder(ml, InferencePrecision.Float32))
        {
            fusedSeparate = OnnxEngineModel.Build(exporter.Model.Network, exporter.Model.Config, exporter.Spec.WriteOnnxOutputs, OnnxEngineGraph.Fused, separate);
            int8Separate = OnnxEngineModel.Build(exporter.Model.Network, exporter.Model.Config, exporter.Spec.WriteOnnxOutputs, OnnxEngineGraph.Int8, separate);
        }
        Kernels(graphs, table);
        Accuracy(graphs, texts, reference, table);

        // One thread count: libtorch's (OMP_NUM_THREADS), which the ONNX Runtime engine and the standalone loop use too.
        int threads = get_num_threads();
        using var float32 = Encoder(ml, InferencePrecision.Float32);
        using var bfloat16 = Encoder(ml, InferencePrecision.BFloat16);
        using var engineFloat32 = float32.WithInference(InferenceEngine.OnnxRuntime, InferencePrecision.Float32, threads);
        using var engineFused = float32.WithOnnxRuntimeGraph(OnnxRuntimeGraph.Fused, threads);
        using var engineInt8 = float32.WithInference(InferenceEngine.OnnxRuntime, InferencePrecision.Int8, threads);
        var forwards = graphs.ToDictionary(g => g.Key, g => new OnnxRuntimeForward(g.Value, threads));
        var tokenizer = float32.Tokenizer;
        int maxLength = float32.Config.MaxSequenceLength;
        var methods = new List<(string Name, Func<double> Rate, Func<double[]> Latencies)>();
        foreach (var (name, transformer) in new[]
        {
            ("Transform, TorchSharp, Float32", float32), ("Transform, TorchSharp, BFloat16", bfloat16),
            ("Transform, OnnxRuntime engine, Float32 (standard graph)", engineFloat32), ("Transform, OnnxRuntime engine, Float32 fused graph", engineFused),
            ("Transform, OnnxRuntime engine, Int8", engineInt8),
        })
        {
            methods.Add((name, () => Rate(texts, () => transformer.Transform(data).GetColumn<float[]>("Embedding").ToArray()), () => EngineLatencies(ml, transformer, texts)));
        }
        foreach (var (graph, forward) in forwards)
        {
            methods.Add(($"standalone ONNX Runtime loop (OnnxRuntimeForward), {graph} graph", () => Rate(texts, () => Embed(forward, tokenizer, maxLength, texts)),
                () => ForwardLatencies(forward, tokenizer, maxLength, texts)));
        }
        using var fusedSeparateForward = new OnnxRuntimeForward(fusedSeparate, threads);
        using var int8SeparateForward = new OnnxRuntimeForward(int8Separate, threads);
        foreach (var (name, forward) in new[] { ("Fused", fusedSeparateForward), ("Int8", int8SeparateForward) })
        {
            methods.Add(($"standalone ONNX Runtime loop, {name} graph with three query/key/value products (before packing)", () => Rate(texts, () => Embed(forward, tokenizer, maxLength, texts)),
                () => ForwardLatencies(forward, tokenizer, maxLength, texts)));
        }
        var best = new double[methods.Count];
        for (int round = 0; round < Rounds; round++)
        {
            for (int m = 0; m < methods.Count; m++)
                best[m] = Math.Max(best[m], methods[m].Rate());
        }
        for (int m = 0; m < methods.Count; m++)
        {
            var latencies = methods[m].Latencies();
            Array.Sort(latencies);
            Add(table, $"| {threads} | {methods[m].Name} | {best[m]:F0} rows/s | p50 {Percentile(latencies, 0.50):F2} ms, p99 {Percentile(latencies, 0.99):F2} ms |");
        }
        double torchFloat32 = best[0], torchBf16 = best[1], engine = best[2], fused = best[3], int8 = best[4], standalone = best[5];
        Add(table, $"| {threads} | ratios | engine Float32 / standalone standard {engine / standalone:F2}x (goal 0.95x); engine fused / engine standard {fused / engine:F2}x (goal 1.25x); " +
            $"engine Int8 / standalone standard Float32 {int8 / standalone:F2}x (goal 2.5x, moonshot 3.5x); bf16 Transform / standalone standard Float32 {torchBf16 / standalone:F2}x (goal 1.3x); " +
            $"engine Float32 / TorchSharp Float32 {engine / torchFloat32:F2}x; packed / three query-key-value products: fused {best[6] / best[8]:F2}x, int8 {best[7] / best[9]:F2}x | |");
        foreach (var forward in forwards.Values)
            forward.Dispose();
    }

    /// <summary>
    /// Section <c>onnx-memory</c>, run alone in its process (one process per precision, so that ONNX Runtime's own start-up is counted in
    /// each): the resident memory (VmRSS after a full collection) that a loaded all-MiniLM-L6-v2 adds on TorchSharp float32, then what an
    /// ONNX Runtime engine at <paramref name="precision"/> adds on top (the engine keeps the float32 TorchSharp weights, which saving,
    /// <c>ExportToOnnx</c> and switching engines read, and adds its session).
    /// </summary>
    public static void Memory(MLContext ml, InferencePrecision precision, List<string> table)
    {
        var data = ml.Data.LoadFromEnumerable(new[] { new SentimentRow { Text = "A first phrase to warm every engine up." } });
        long start = Resident();
        using var float32 = Encoder(ml, InferencePrecision.Float32);
        float32.Transform(data).GetColumn<float[]>("Embedding").ToArray();
        long afterModel = Resident();
        using var engine = float32.WithInference(InferenceEngine.OnnxRuntime, precision, 1);
        engine.Transform(data).GetColumn<float[]>("Embedding").ToArray();
        long afterEngine = Resident();
        const double mb = 1 << 20;
        Add(table, $"| resident memory (VmRSS) | loaded all-MiniLM-L6-v2 | TorchSharp Float32 model +{(afterModel - start) / mb:F0} MB; " +
            $"its {precision} ONNX Runtime engine +{(afterEngine - afterModel) / mb:F0} MB on top (total {(afterEngine - start) / mb:F0} MB) | |");
    }

    /// <summary>VmRSS of this process (Linux) after a full collection, in bytes; the working set elsewhere.</summary>
    private static long Resident()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        const string status = "/proc/self/status";
        if (File.Exists(status) && File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)) is { } line)
            return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    /// <summary>The fused and quantized nodes of each graph after ONNX Runtime's optimizer at ORT_ENABLE_EXTENDED and ORT_ENABLE_ALL.</summary>
    private static void Kernels(Dictionary<OnnxRuntimeGraph, byte[]> graphs, List<string> table)
    {
        string[] kinds = ["EmbedLayerNormalization", "Attention", "MultiHeadAttention", "QAttention", "SkipLayerNormalization", "BiasGelu", "FastGelu", "Gelu",
            "DynamicQuantizeMatMul", "MatMulIntegerToFloat", "MatMul", "Gemm", "FusedMatMul"];
        foreach (var level in new[] { GraphOptimizationLevel.ORT_ENABLE_EXTENDED, GraphOptimizationLevel.ORT_ENABLE_ALL })
        {
            foreach (var (graph, bytes) in graphs)
            {
                string path = Path.Combine(Path.GetTempPath(), $"mlattention-optimized-{Environment.ProcessId}-{graph}-{level}.onnx");
                using (new OnnxRuntimeForward(bytes, 1, level, path))
                {
                }
                var nodes = ModelProto.Parser.ParseFrom(File.ReadAllBytes(path)).Graph.Node;
                File.Delete(path);
                var counts = kinds.Select(k => (k, nodes.Count(n => n.OpType == k))).Where(c => c.Item2 > 0).Select(c => $"{c.k} {c.Item2}");
                Add(table, $"| optimized at {level} | {graph} graph | {nodes.Count} nodes | {string.Join(", ", counts)} |");
            }
        }
    }

    /// <summary>
    /// ONNX Runtime's profile of each graph over the phrases at one thread (<c>SessionOptions.EnableProfiling</c>): kernel time per
    /// operator type, largest first, as a share of all kernel time.
    /// </summary>
    public static void Profile(MLContext ml, string[] texts, List<string> table)
    {
        using var encoder = Encoder(ml, InferencePrecision.Float32);
        foreach (var graph in Enum.GetValues<OnnxRuntimeGraph>())
        {
            string prefix = Path.Combine(Path.GetTempPath(), $"mlattention-profile-{Environment.ProcessId}-{graph}");
            string file;
            using (var forward = new OnnxRuntimeForward(OnnxRuntimeForward.ExportModel(encoder, graph), 1, GraphOptimizationLevel.ORT_ENABLE_ALL, profilePrefix: prefix))
            {
                Embed(forward, encoder.Tokenizer, encoder.Config.MaxSequenceLength, texts);
                file = forward.EndProfiling();
            }
            using var profile = System.Text.Json.JsonDocument.Parse(File.ReadAllText(file));
            File.Delete(file);
            var kernels = profile.RootElement.EnumerateArray()
                .Where(e => e.GetProperty("cat").GetString() == "Node" && e.GetProperty("name").GetString()!.EndsWith("_kernel_time", StringComparison.Ordinal))
                .GroupBy(e => e.GetProperty("args").GetProperty("op_name").GetString()!)
                .Select(g => (Op: g.Key, Microseconds: g.Sum(e => e.GetProperty("dur").GetInt64())))
                .OrderByDescending(k => k.Microseconds)
                .ToList();
            double total = kernels.Sum(k => k.Microseconds);
            Add(table, $"| profile, 1 thread | {graph} graph | kernels {total / 1e6:F2} s for {texts.Length} rows | " +
                string.Join(", ", kernels.Take(8).Select(k => $"{k.Op} {k.Microseconds / total:P0}")) + " |");
        }
    }

    /// <summary>Sentence embeddings of each ONNX Runtime graph against TorchSharp's float32 Transform on the same phrases.</summary>
    private static void Accuracy(Dictionary<OnnxRuntimeGraph, byte[]> graphs, string[] texts, float[][] reference, List<string> table)
    {
        using var encoderForTokens = Encoder(new MLContext(), InferencePrecision.Float32);
        foreach (var (graph, bytes) in graphs)
        {
            using var forward = new OnnxRuntimeForward(bytes);
            var actual = Embed(forward, encoderForTokens.Tokenizer, encoderForTokens.Config.MaxSequenceLength, texts);
            var cosines = reference.Zip(actual, Cosine).Order().ToArray();
            double worst = reference.Zip(actual).Max(p => p.First.Zip(p.Second).Max(v => Math.Abs((double)v.First - v.Second)));
            Add(table, $"| {texts.Length} SST-2 phrases | {graph} graph vs TorchSharp Float32 Transform | cosine mean {cosines.Average():F4}, min {cosines[0]:F4}, " +
                $"1st percentile {Percentile(cosines, 0.01):F4} | max abs diff {worst:E1} |");
        }
    }

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }
        return dot / Math.Sqrt(na * nb);
    }

    /// <summary>
    /// <see cref="OnnxRuntimeForward"/> on <paramref name="texts"/>: windows of 8 batches sorted by token count, each batch encoded by the
    /// library's tokenizer; the sentence embeddings in input order.
    /// </summary>
    private static float[][] Embed(OnnxRuntimeForward forward, TextTokenizer tokenizer, int maxLength, string[] texts)
    {
        var result = new float[texts.Length][];
        for (int window = 0; window < texts.Length; window += 8 * BatchSize)
        {
            var order = Enumerable.Range(window, Math.Min(8 * BatchSize, texts.Length - window)).OrderBy(i => tokenizer.Encode(texts[i]).Length).ToArray();
            foreach (var rows in order.Chunk(BatchSize))
            {
                using var scope = NewDisposeScope();
                var batch = BatchEncoder.EncodeForEncoder(tokenizer, [.. rows.Select(i => texts[i])], maxLength);
                var values = forward.Run(batch, "sentence_embedding")["sentence_embedding"].data<float>().ToArray(); // [B * D]
                int width = values.Length / rows.Length;
                for (int r = 0; r < rows.Length; r++)
                    result[rows[r]] = values.AsSpan(r * width, width).ToArray();
            }
        }
        return result;
    }

    private static double[] ForwardLatencies(OnnxRuntimeForward forward, TextTokenizer tokenizer, int maxLength, string[] texts) => Latencies(texts, text =>
    {
        using var scope = NewDisposeScope();
        forward.Run(BatchEncoder.EncodeForEncoder(tokenizer, [text], maxLength), "sentence_embedding")["sentence_embedding"].data<float>().ToArray();
    });

    private static double[] EngineLatencies(MLContext ml, TransformerTextTransformer encoder, string[] texts)
    {
        var engine = ml.Model.CreatePredictionEngine<SentimentRow, EmbeddingRow>(encoder);
        return Latencies(texts, text => engine.Predict(new SentimentRow { Text = text }));
    }

    /// <summary>Seconds per single-row call over every text, after 20 warm-up calls.</summary>
    private static double[] Latencies(string[] texts, Action<string> call)
    {
        for (int i = 0; i < 20; i++)
            call(texts[i]);
        var times = new double[texts.Length];
        for (int i = 0; i < texts.Length; i++)
        {
            long start = Stopwatch.GetTimestamp();
            call(texts[i]);
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        return times;
    }

    private static double Rate(string[] texts, Func<float[][]> run)
    {
        var watch = Stopwatch.StartNew();
        run();
        return texts.Length / watch.Elapsed.TotalSeconds;
    }

    /// <summary>The <paramref name="p"/> quantile of ascending <paramref name="sorted"/> (nearest rank).</summary>
    private static double Percentile(double[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static TransformerTextTransformer Encoder(MLContext ml, InferencePrecision precision) => ml.Transforms.ImportEncoder(new ImportEncoderOptions
    {
        ModelPath = MiniLm.ModelPath, VocabularyPath = MiniLm.VocabularyPath, InferencePrecision = precision, InferenceBatchSize = BatchSize,
    });

    private static void Add(List<string> table, string row)
    {
        table.Add(row);
        Console.WriteLine(row);
    }
}
