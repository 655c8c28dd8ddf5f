using Microsoft.ML.Attention.OnnxRuntime;
using Microsoft.ML.Attention.Persistence.Export;
using Microsoft.ML.Attention.Tests.Estimators;
using Microsoft.ML.Attention.Tests.Import;
using Microsoft.ML.Attention.Tokenization;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tests.Export;

/// <summary>
/// all-MiniLM-L6-v2 (imported) scored by <see cref="OnnxRuntimeForward"/> in the fused and the int8 form on 200 real sentences: the fused
/// graph keeps ONNX Runtime's fused kernels after its optimizer and equals the library's float32 Transform within 1e-4; the int8 graph
/// has only quantized linear layers and its sentence embeddings keep a mean cosine of at least 0.99 to float32 (each at least 0.97;
/// measured 0.9918 and 0.9784).
/// </summary>
public sealed class OnnxRuntimeEngineTests
{
    private const int BatchSize = 32;
    private static readonly string[] Sentences = ExportedModel.Sentences();

    [Fact]
    public void Fused_MiniLM_keeps_its_fused_kernels_under_the_optimizer_and_equals_Transform()
    {
        var ml = new MLContext(seed: 1);
        using var encoder = ml.Transforms.ImportEncoder(MiniLmFiles.ModelPath, MiniLmFiles.VocabularyPath);
        var expected = TinyModels.ReadVectors(encoder.Transform(TinyModels.Texts(ml, Sentences)), encoder.OutputColumnNames[0]);
        string optimized = ExportedModel.TempPath("fused-optimized");
        double worst;
        using (var forward = new OnnxRuntimeForward(OnnxRuntimeForward.ExportModel(encoder, OnnxRuntimeGraph.Fused), threadCount: 1,
            GraphOptimizationLevel.ORT_ENABLE_EXTENDED, optimized))
        {
            worst = ExportedModel.MaxDifference([.. expected.SelectMany(v => v)], [.. Embeddings(forward, encoder).SelectMany(v => v)]);
        }
        var nodes = ModelProto.Parser.ParseFrom(File.ReadAllBytes(optimized)).Graph.Node.GroupBy(n => n.OpType).ToDictionary(g => g.Key, g => g.Count());
        File.Delete(optimized);

        Assert.True(worst <= 1e-4, $"max |Transform - fused ONNX Runtime| = {worst:E2}");
        Assert.Equal(1, nodes.GetValueOrDefault("EmbedLayerNormalization"));
        Assert.Equal(6, nodes.GetValueOrDefault("MultiHeadAttention"));
        Assert.Equal(12, nodes.GetValueOrDefault("SkipLayerNormalization"));
        Assert.Equal(6, nodes.GetValueOrDefault("BiasGelu") + nodes.GetValueOrDefault("FastGelu"));
    }

    [Fact]
    public void Int8_MiniLM_quantizes_every_linear_layer_and_keeps_mean_cosine_0_99_to_float32()
    {
        var ml = new MLContext(seed: 1);
        using var encoder = ml.Transforms.ImportEncoder(MiniLmFiles.ModelPath, MiniLmFiles.VocabularyPath);
        var expected = TinyModels.ReadVectors(encoder.Transform(TinyModels.Texts(ml, Sentences)), encoder.OutputColumnNames[0]);
        var bytes = OnnxRuntimeForward.ExportModel(encoder, OnnxRuntimeGraph.Int8);
        var graph = ModelProto.Parser.ParseFrom(bytes).Graph;
        float[][] actual;
        using (var forward = new OnnxRuntimeForward(bytes))
            actual = Embeddings(forward, encoder);

        Assert.Equal(24, graph.Node.Count(n => n.OpType == "DynamicQuantizeMatMul")); // the packed query/key/value product, the output and both feed-forward layers, per block
        Assert.DoesNotContain(graph.Node, n => n.OpType is "MatMul" or "Gemm");
        var cosines = expected.Zip(actual, (e, a) => e.Zip(a, (x, y) => (double)x * y).Sum() / Math.Sqrt(e.Sum(x => (double)x * x) * a.Sum(x => (double)x * x))).ToArray();
        Assert.True(cosines.Average() >= 0.99 && cosines.Min() >= 0.97, $"int8 vs float32 sentence embeddings: min cosine {cosines.Min():F4}, mean {cosines.Average():F4}");
    }

    [Fact]
    public void Quantization_is_symmetric_per_output_column_and_transposes_an_out_by_in_weight()
    {
        // [out = 2, in = 3]; column n of the [in, out] product weight is row n here.
        float[] weight = [1f, -2f, 0.5f, 0f, 0f, 0f];
        var (values, scales, k, n) = OnnxDynamicQuantizer.QuantizePerColumn(weight, rows: 2, columns: 3, transpose: true);
        Assert.Equal((3, 2), (k, n));
        Assert.Equal([2f / 127f, 1f], scales);
        Assert.Equal(new sbyte[] { 64, 0, -127, 0, 32, 0 }, values); // [in, out] row-major: round(1 / (2/127)) = 64, round(0.5 / (2/127)) = 32
    }

    [Fact]
    public void Forward_refuses_a_thread_count_below_one_and_an_output_the_model_lacks_naming_them()
    {
        var ml = new MLContext(seed: 1);
        using var transformer = ml.Transforms.AttentionEncoder(TextClassificationData.Tiny(maxSteps: 1)).Fit(ml.Data.LoadFromEnumerable(TinyModels.YelpRows(16)));
        var bytes = OnnxRuntimeForward.ExportModel(transformer, OnnxRuntimeGraph.Fused);
        var threads = Assert.Throws<ArgumentOutOfRangeException>(() => new OnnxRuntimeForward(bytes, threadCount: 0));
        Assert.Equal("threadCount", threads.ParamName);

        using var forward = new OnnxRuntimeForward(bytes);
        Assert.Equal(["logits", "probabilities"], forward.OutputNames);
        var batch = BatchEncoder.EncodeForEncoder(transformer.Tokenizer, Sentences.Take(2).ToArray(), transformer.Config.MaxSequenceLength);
        var error = Assert.Throws<ArgumentException>(() => forward.Run(batch, "sentence_embedding"));
        Assert.Contains("'sentence_embedding'", error.Message, StringComparison.Ordinal);
        using var scope = NewDisposeScope();
        Assert.Equal([2L, 1L], forward.Run(batch)["logits"].shape);
    }

    /// <summary>The sentence embeddings of <see cref="Sentences"/>, in batches of 32.</summary>
    private static float[][] Embeddings(OnnxRuntimeForward forward, TransformerTextTransformer encoder)
    {
        var result = new List<float[]>();
        foreach (var texts in ExportedModel.Batches(Sentences, BatchSize))
        {
            using var scope = NewDisposeScope();
            var batch = BatchEncoder.EncodeForEncoder(encoder.Tokenizer, texts, encoder.Config.MaxSequenceLength);
            var embeddings = forward.Run(batch, "sentence_embedding")["sentence_embedding"]; // [B, D]
            for (int row = 0; row < texts.Length; row++)
                result.Add(embeddings[row].data<float>().ToArray());
        }
        return [.. result];
    }
}
