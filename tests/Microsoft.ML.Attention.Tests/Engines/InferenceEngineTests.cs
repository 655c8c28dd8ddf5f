using System.IO.Compression;
using Microsoft.ML.Attention.OnnxRuntime;
using Microsoft.ML.Attention.Tasks;
using Microsoft.ML.Attention.Tests.Estimators;
using Microsoft.ML.Attention.Tests.Export;
using Microsoft.ML.Attention.Tests.Import;
using Microsoft.ML.Data;
using static Microsoft.ML.Attention.Tests.Estimators.TextClassificationData;

namespace Microsoft.ML.Attention.Tests.Engines;

/// <summary>
/// The engine as a user sets it: on the options, on a loaded model, with int8; what the saved model keeps; what fails and how it says so.
/// </summary>
public sealed class InferenceEngineTests
{
    private sealed class EmbeddingRow
    {
        [VectorType(384)]
        public float[] Embedding { get; set; } = [];
    }

    [Fact]
    public void Int8_MiniLM_from_ImportEncoderOptions_keeps_mean_cosine_0_99_to_float32_in_Transform_and_PredictionEngine()
    {
        var ml = new MLContext(seed: 1);
        var sentences = ExportedModel.Sentences();
        var data = TinyModels.Texts(ml, sentences);
        using var reference = ml.Transforms.ImportEncoder(MiniLmFiles.ModelPath, MiniLmFiles.VocabularyPath);
        using var int8 = ml.Transforms.ImportEncoder(new ImportEncoderOptions
        {
            ModelPath = MiniLmFiles.ModelPath, VocabularyPath = MiniLmFiles.VocabularyPath,
            InferencePrecision = InferencePrecision.Int8, InferenceEngine = InferenceEngine.OnnxRuntime,
        });
        Assert.Equal((InferenceEngine.OnnxRuntime, InferencePrecision.Int8), (int8.InferenceEngine, int8.InferencePrecision));

        var expected = TinyModels.ReadVectors(reference.Transform(data), "Embedding");
        var cosines = expected.Zip(TinyModels.ReadVectors(int8.Transform(data), "Embedding"), Cosine).ToArray();
        var engine = ml.Model.CreatePredictionEngine<TinyModels.TextRow, EmbeddingRow>(int8);
        var single = sentences.Take(20).Select((s, i) => Cosine(expected[i], engine.Predict(new TinyModels.TextRow { Text = s }).Embedding)).ToArray();

        // The thresholds of OnnxRuntimeEngineTests, which runs the same int8 graph through OnnxRuntimeForward.
        Assert.True(cosines.Average() >= 0.99 && cosines.Min() >= 0.97, $"int8 Transform vs float32: mean cosine {cosines.Average():F4}, min {cosines.Min():F4}");
        Assert.True(cosines.Max() < 0.99999, "int8 gave float32's values: it did not quantize");
        Assert.True(single.Min() >= 0.97, $"int8 PredictionEngine vs float32: min cosine {single.Min():F4}");
    }

    [Fact]
    public void Int8_classifier_stays_within_0_05_of_float32_probabilities_on_real_rows()
    {
        var ml = new MLContext(seed: 1);
        var rows = TinyModels.YelpRows(400);
        var train = ml.Data.LoadFromEnumerable(rows.Take(300).ToList());
        var data = ml.Data.LoadFromEnumerable(rows.Skip(300).ToList());
        using var reference = ml.Transforms.AttentionEncoder(Tiny(maxSteps: 20)).Fit(train);
        using var int8 = reference.WithInference(InferenceEngine.OnnxRuntime, InferencePrecision.Int8);

        var expected = reference.Transform(data).GetColumn<float>("Probability").ToArray();
        var actual = int8.Transform(data).GetColumn<float>("Probability").ToArray();
        var differences = expected.Zip(actual, (e, a) => Math.Abs(e - a)).ToArray();

        Assert.Equal(InferencePrecision.Int8, int8.InferencePrecision);
        Assert.True(differences.Max() <= 0.05, $"max |int8 - float32| probability = {differences.Max():E2}");
        Assert.True(differences.Max() > 0, "int8 gave float32's values: it did not quantize");
    }

    [Fact]
    public void A_precision_the_engine_does_not_run_fails_when_the_estimator_or_the_import_is_created_naming_option_and_value()
    {
        var ml = new MLContext(seed: 1);
        var int8 = Tiny(maxSteps: 1);
        int8.InferencePrecision = InferencePrecision.Int8;
        var onTorchSharp = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.AttentionEncoder(int8));
        Assert.Contains("TransformerTextOptions.InferencePrecision Int8 runs on ONNX Runtime only", onTorchSharp.Message, StringComparison.Ordinal);
        Assert.Contains("TransformerTextOptions.InferenceEngine is TorchSharp", onTorchSharp.Message, StringComparison.Ordinal);

        var bf16 = Tiny(maxSteps: 1);
        bf16.InferencePrecision = InferencePrecision.BFloat16;
        bf16.InferenceEngine = InferenceEngine.OnnxRuntime;
        var onOnnx = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.AttentionEncoder(bf16));
        Assert.Contains("BFloat16 runs on TorchSharp only", onOnnx.Message, StringComparison.Ordinal);

        var undefined = Tiny(maxSteps: 1);
        undefined.InferenceEngine = (InferenceEngine)7;
        Assert.Contains("TransformerTextOptions.InferenceEngine is not an InferenceEngine; it is 7.",
            Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.AttentionEncoder(undefined)).Message, StringComparison.Ordinal);

        // The import checks the engine before it reads the files: this path does not exist.
        var import = Assert.Throws<ArgumentOutOfRangeException>(() => ml.Transforms.ImportEncoder(new ImportEncoderOptions
        {
            ModelPath = "/nonexistent/model.onnx", InferencePrecision = InferencePrecision.Int8,
        }));
        Assert.Contains("ImportEncoderOptions.InferencePrecision Int8", import.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Automatic_scores_float32_and_int8_with_OnnxRuntime_and_bfloat16_with_TorchSharp()
    {
        var ml = new MLContext(seed: 1);
        var options = Tiny(maxSteps: 1);
        options.InferenceEngine = InferenceEngine.Automatic;
        using var model = ml.Transforms.AttentionEncoder(options).Fit(ml.Data.LoadFromEnumerable(TinyModels.YelpRows(16)));
        using var bf16 = model.WithInference(InferenceEngine.Automatic, InferencePrecision.BFloat16);
        using var int8 = model.WithInference(InferenceEngine.Automatic, InferencePrecision.Int8);

        Assert.Equal(InferenceEngine.OnnxRuntime, model.InferenceEngine);
        Assert.Equal(InferenceEngine.TorchSharp, bf16.InferenceEngine);
        Assert.Equal(InferenceEngine.OnnxRuntime, int8.InferenceEngine);
    }

    [Fact]
    public void The_saved_zip_is_the_same_whichever_engine_scored_and_a_loaded_model_switches_to_OnnxRuntime()
    {
        var ml = new MLContext(seed: 1);
        var options = Tiny(maxSteps: 2);
        options.InferenceEngine = InferenceEngine.OnnxRuntime;
        var train = ml.Data.LoadFromEnumerable(TinyModels.YelpRows(32));
        var data = ml.Data.LoadFromEnumerable(TinyModels.YelpRows(48).Skip(32).ToList());
        using var onnx = ml.Transforms.AttentionEncoder(options).Fit(train);
        using var torch = onnx.WithInference(InferenceEngine.TorchSharp, InferencePrecision.Float32);
        string folder = Directory.CreateTempSubdirectory("mlattention-engine").FullName;
        string onnxPath = Path.Combine(folder, "onnx.zip"), torchPath = Path.Combine(folder, "torch.zip");
        ml.Model.Save(onnx, data.Schema, onnxPath);
        ml.Model.Save(torch, data.Schema, torchPath);

        Assert.Equal(InferenceEngine.OnnxRuntime, onnx.InferenceEngine);
        Assert.Equal(Entries(torchPath), Entries(onnxPath));
        var expected = OutputRows.Read(torch.Transform(data), torch.OutputColumnNames);
        using var loaded = (TransformerTextTransformer)new MLContext(seed: 2).Model.Load(onnxPath, out _);
        Assert.Equal(InferenceEngine.TorchSharp, loaded.InferenceEngine);
        using var switched = loaded.WithInference(InferenceEngine.OnnxRuntime, InferencePrecision.Float32);
        Assert.Equal(InferenceEngine.OnnxRuntime, switched.InferenceEngine);
        OutputAssert.SameRows(expected, OutputRows.Read(switched.Transform(data), switched.OutputColumnNames), 1e-4);
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void An_int8_model_saves_its_precision_and_loads_on_OnnxRuntime_with_the_same_outputs()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(TinyModels.YelpRows(24));
        using var model = ml.Transforms.AttentionEncoder(Tiny(maxSteps: 2)).Fit(data);
        using var int8 = model.WithInference(InferenceEngine.OnnxRuntime, InferencePrecision.Int8);
        string path = Path.Combine(Directory.CreateTempSubdirectory("mlattention-int8").FullName, "int8.zip");
        ml.Model.Save(int8, data.Schema, path);

        using var loaded = (TransformerTextTransformer)new MLContext(seed: 2).Model.Load(path, out _);

        Assert.Equal((InferenceEngine.OnnxRuntime, InferencePrecision.Int8), (loaded.InferenceEngine, loaded.InferencePrecision));
        OutputAssert.SameRows(OutputRows.Read(int8.Transform(data), int8.OutputColumnNames), OutputRows.Read(loaded.Transform(data), loaded.OutputColumnNames), 1e-6);
        File.Delete(path);
    }

    [Fact]
    public void A_transformer_from_WithInference_keeps_scoring_after_the_original_is_disposed()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(TinyModels.YelpRows(16));
        var original = ml.Transforms.AttentionEncoder(Tiny(maxSteps: 1)).Fit(data);
        var expected = original.Transform(data).GetColumn<float>("Score").ToArray();
        using var derived = original.WithInference(InferenceEngine.OnnxRuntime, InferencePrecision.Float32);
        original.Dispose();

        var actual = derived.Transform(data).GetColumn<float>("Score").ToArray();

        Assert.Throws<ObjectDisposedException>(() => original.WithInference(InferenceEngine.TorchSharp, InferencePrecision.Float32));
        Assert.True(expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max() <= 1e-4);
        Assert.Equal("threadCount", Assert.Throws<ArgumentOutOfRangeException>(() => derived.WithInference(InferenceEngine.OnnxRuntime, InferencePrecision.Float32, -1)).ParamName);
    }

    [Fact]
    public void WithOnnxRuntimeGraph_scores_the_fused_graph_within_1e_4_of_TorchSharp_and_the_int8_graph_at_Int8()
    {
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(TinyModels.YelpRows(24));
        using var model = ml.Transforms.AttentionEncoder(Tiny(maxSteps: 2)).Fit(data);
        using var fused = model.WithOnnxRuntimeGraph(OnnxRuntimeGraph.Fused, threadCount: 1);
        using var int8 = model.WithOnnxRuntimeGraph(OnnxRuntimeGraph.Int8);

        Assert.Equal((InferenceEngine.OnnxRuntime, InferencePrecision.Float32), (fused.InferenceEngine, fused.InferencePrecision));
        Assert.Equal((InferenceEngine.OnnxRuntime, InferencePrecision.Int8), (int8.InferenceEngine, int8.InferencePrecision));
        OutputAssert.SameRows(OutputRows.Read(model.Transform(data), model.OutputColumnNames), OutputRows.Read(fused.Transform(data), fused.OutputColumnNames), 1e-4);
        Assert.Throws<ArgumentOutOfRangeException>(() => model.WithOnnxRuntimeGraph((OnnxRuntimeGraph)9));
    }

    [Fact]
    public void The_engine_is_found_by_type_name_and_an_application_without_the_package_is_told_which_package_to_add()
    {
        Assert.True(OnnxRuntimeEngineLocator.IsAvailable);   // this test project references the companion project
        Assert.Null(OnnxRuntimeEngineLocator.Create("Microsoft.ML.Attention.OnnxRuntime.OnnxRuntimeEngine, Microsoft.ML.Attention.NotInThisApplication"));
        Assert.Contains("does not implement", Assert.Throws<InvalidOperationException>(() => OnnxRuntimeEngineLocator.Create("System.Object, System.Private.CoreLib")).Message,
            StringComparison.Ordinal);
        var missing = OnnxRuntimeEngineLocator.Missing("TransformerTextOptions.InferenceEngine OnnxRuntime");
        Assert.StartsWith("TransformerTextOptions.InferenceEngine OnnxRuntime needs the package Microsoft.ML.Attention.OnnxRuntime", missing.Message, StringComparison.Ordinal);
        Assert.Contains("dotnet add package Microsoft.ML.Attention.OnnxRuntime", missing.Message, StringComparison.Ordinal);
    }

    private static SortedDictionary<string, string> Entries(string zip)
    {
        using var archive = ZipFile.OpenRead(zip);
        var entries = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in archive.Entries)
        {
            using var stream = entry.Open();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            entries[entry.FullName] = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(copy.ToArray()));
        }
        return entries;
    }

    private static double Cosine(float[] a, float[] b) =>
        a.Zip(b, (x, y) => (double)x * y).Sum() / Math.Sqrt(a.Sum(x => (double)x * x) * b.Sum(y => (double)y * y));
}
