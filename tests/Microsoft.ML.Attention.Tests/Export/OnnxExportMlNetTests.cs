using Microsoft.ML.Attention.OnnxRuntime;
using Microsoft.ML.Attention.Tests.Estimators;
using Microsoft.ML.Attention.Tokenization;
using Microsoft.ML.Data;

namespace Microsoft.ML.Attention.Tests.Export;

/// <summary>
/// ML.NET scores the exported classifier in a plain pipeline (<c>ApplyOnnxModel</c>, Microsoft.ML.OnnxTransformer 5.0.1): the standard
/// file <c>ExportToOnnx</c> writes, and the fused graph with ONNX Runtime's contrib operators.
/// </summary>
public sealed class OnnxExportMlNetTests
{
    private static readonly string[] Sentences = ExportedModel.Sentences();

    public sealed class TokenRow
    {
        [ColumnName("input_ids")]
        public long[] InputIds { get; set; } = [];

        [ColumnName("attention_mask")]
        public long[] AttentionMask { get; set; } = [];

        [ColumnName("token_type_ids")]
        public long[] TokenTypeIds { get; set; } = [];
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ApplyOnnxModel_gives_the_predictions_of_the_zip_model(bool fused)
    {
        var ml = new MLContext(seed: 1);
        using var trained = ml.Transforms.AttentionEncoder(TextClassificationData.Tiny(maxSteps: 3)).Fit(ml.Data.LoadFromEnumerable(TinyModels.YelpRows(64)));
        var texts = TinyModels.Texts(ml, Sentences);
        string folder = Directory.CreateTempSubdirectory("mlattention-export").FullName;
        string zipPath = Path.Combine(folder, "classifier.zip"), onnxPath = Path.Combine(folder, "classifier.onnx");
        ml.Model.Save(trained, texts.Schema, zipPath);
        if (fused)
            File.WriteAllBytes(onnxPath, OnnxRuntimeForward.ExportModel(trained, OnnxRuntimeGraph.Fused));
        else
            trained.ExportToOnnx(onnxPath);

        var zipOutput = new MLContext().Model.Load(zipPath, out _).Transform(texts);
        var zipLabels = zipOutput.GetColumn<bool>("PredictedLabel").ToArray();
        var zipScores = zipOutput.GetColumn<float>("Score").ToArray();

        // Tokenization stays in .NET: every row padded to the longest, as fixed-size int64 vector columns.
        var batch = BatchEncoder.EncodeForEncoder(trained.Tokenizer, Sentences, trained.Config.MaxSequenceLength);
        int length = batch.SequenceLength;
        var rows = Enumerable.Range(0, batch.BatchSize).Select(r => new TokenRow
        {
            InputIds = batch.InputIds.AsSpan(r * length, length).ToArray(),
            AttentionMask = batch.AttentionMask.AsSpan(r * length, length).ToArray(),
            TokenTypeIds = batch.TokenTypeIds.AsSpan(r * length, length).ToArray(),
        }).ToList();
        var schema = SchemaDefinition.Create(typeof(TokenRow));
        foreach (var column in schema)
            column.ColumnType = new VectorDataViewType(NumberDataViewType.Int64, length);
        var tokens = ml.Data.LoadFromEnumerable(rows, schema);
        string[] inputs = ["input_ids", "attention_mask", "token_type_ids"];
        var pipeline = ml.Transforms.ApplyOnnxModel(["logits", "probabilities"], inputs, onnxPath,
            inputs.ToDictionary(name => name, _ => new[] { 1, length }), gpuDeviceId: null, fallbackToCpu: false, recursionLimit: 100);
        var onnxOutput = pipeline.Fit(tokens).Transform(tokens);
        var logits = onnxOutput.GetColumn<float[]>("logits").Select(v => Assert.Single(v)).ToArray();

        Assert.Equal(zipLabels, logits.Select(logit => logit > 0).ToArray());
        double worst = ExportedModel.MaxDifference(zipScores, logits);
        Assert.True(worst <= 1e-4, $"max |zip Score - ONNX logit| = {worst:E2}");
        Directory.Delete(folder, recursive: true);
    }
}
