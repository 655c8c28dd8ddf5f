using Microsoft.ML.Attention.Generation;
using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Tests.Causal;
using Microsoft.ML.Attention.Tests.Estimators;
using Microsoft.ML.Attention.Tests.QuestionAnswering;
using Microsoft.ML.Attention.Tokenization;
using Microsoft.ML.Data;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tests.Export;

/// <summary>
/// Each task's transformer, trained a few steps on real rows (or imported), exported with <see cref="TransformerTextTransformer.ExportToOnnx"/>
/// and scored by ONNX Runtime on 200 real sentences: the outputs equal what the library writes (Transform's columns, or the task
/// network's forward pass for the logits Transform turns into answers and text) within 1e-4.
/// </summary>
public sealed class OnnxExportTaskTests
{
    private const double Tolerance = 1e-4;
    private const int BatchSize = 32;
    private static readonly string[] Sentences = ExportedModel.Sentences();

    [Fact]
    public void Embedding_task_sentence_embeddings_equal_Transform_and_token_states_equal_the_backbone()
    {
        var ml = new MLContext(seed: 1);
        var options = TinyModels.MaskedLm();
        options.MaxSteps = 3;
        options.Pooling = PoolingKind.Mean;
        using var transformer = ml.Transforms.AttentionEncoder(options).Fit(TinyModels.Texts(ml, TinyModels.WikiTextLines("valid", 48)));
        var expected = TinyModels.ReadVectors(transformer.Transform(TinyModels.Texts(ml, Sentences)), transformer.OutputColumnNames[0]);
        using var exported = Export(transformer, "embedding");

        double worstEmbedding = 0, worstStates = 0;
        int row = 0;
        foreach (var texts in ExportedModel.Batches(Sentences, BatchSize))
        {
            var batch = BatchEncoder.EncodeForEncoder(transformer.Tokenizer, texts, transformer.Config.MaxSequenceLength);
            var outputs = exported.Run(batch, "sentence_embedding", "last_hidden_state");
            worstEmbedding = Math.Max(worstEmbedding, ExportedModel.MaxDifference([.. expected.Skip(row).Take(texts.Length).SelectMany(v => v)], outputs["sentence_embedding"]));
            worstStates = Math.Max(worstStates, ExportedModel.MaxDifferenceAtRealTokens(batch, TokenStates(transformer, batch), outputs["last_hidden_state"]));
            row += texts.Length;
        }
        Assert.True(worstEmbedding <= Tolerance && worstStates <= Tolerance, $"max |library - ONNX Runtime|: embeddings {worstEmbedding:E2}, token states {worstStates:E2}");
    }

    [Fact]
    public void Binary_classifier_logits_and_probabilities_equal_Transform_Score_and_Probability()
    {
        var ml = new MLContext(seed: 1);
        using var transformer = ml.Transforms.AttentionEncoder(TextClassificationData.Tiny(maxSteps: 3)).Fit(ml.Data.LoadFromEnumerable(TinyModels.YelpRows(64)));
        var output = transformer.Transform(TinyModels.Texts(ml, Sentences));
        var scores = output.GetColumn<float>("Score").ToArray();
        var probabilities = output.GetColumn<float>("Probability").ToArray();
        using var exported = Export(transformer, "binary");

        double worst = 0;
        int row = 0;
        foreach (var texts in ExportedModel.Batches(Sentences, BatchSize))
        {
            var outputs = exported.Run(BatchEncoder.EncodeForEncoder(transformer.Tokenizer, texts, transformer.Config.MaxSequenceLength), "logits", "probabilities");
            worst = Math.Max(worst, ExportedModel.MaxDifference([.. scores.Skip(row).Take(texts.Length)], outputs["logits"]));
            worst = Math.Max(worst, ExportedModel.MaxDifference([.. probabilities.Skip(row).Take(texts.Length)], outputs["probabilities"]));
            row += texts.Length;
        }
        Assert.True(worst <= Tolerance, $"max |library - ONNX Runtime| = {worst:E2}");
    }

    [Fact]
    public void Multiclass_classifier_probabilities_equal_Transform_Score()
    {
        var ml = new MLContext(seed: 1);
        var rows = TextClassificationData.YelpCategories(64);
        var keyed = ml.Transforms.Conversion.MapValueToKey("Category").Fit(ml.Data.LoadFromEnumerable(rows)).Transform(ml.Data.LoadFromEnumerable(rows));
        var options = TextClassificationData.Tiny(maxSteps: 3);
        options.TextClassification.LabelColumnName = "Category";
        using var transformer = ml.Transforms.AttentionEncoder(options).Fit(keyed);
        var scores = transformer.Transform(TinyModels.Texts(ml, Sentences)).GetColumn<float[]>("Score").ToArray();
        using var exported = Export(transformer, "multiclass");

        double worst = 0;
        int row = 0;
        foreach (var texts in ExportedModel.Batches(Sentences, BatchSize))
        {
            var outputs = exported.Run(BatchEncoder.EncodeForEncoder(transformer.Tokenizer, texts, transformer.Config.MaxSequenceLength), "probabilities");
            worst = Math.Max(worst, ExportedModel.MaxDifference([.. scores.Skip(row).Take(texts.Length).SelectMany(s => s)], outputs["probabilities"]));
            row += texts.Length;
        }
        Assert.Equal(3, scores[0].Length);
        Assert.True(worst <= Tolerance, $"max |library - ONNX Runtime| = {worst:E2}");
    }

    [Fact]
    public void Question_answering_start_and_end_logits_equal_the_span_extractor_on_SQuAD_pairs()
    {
        var ml = new MLContext(seed: 1);
        var train = QuestionAnsweringData.Rows(QuestionAnsweringData.DevExamples.Take(16));
        using var transformer = ml.Transforms.AttentionEncoder(QuestionAnsweringData.Tiny(maxSteps: 2)).Fit(ml.Data.LoadFromEnumerable(train));
        var network = (SpanExtractor)transformer.Model.Network;
        using var exported = Export(transformer, "span");
        var examples = QuestionAnsweringData.DevExamples.Skip(100).Take(200).ToList();

        double worst = 0;
        for (int start = 0; start < examples.Count; start += BatchSize)
        {
            var part = examples.Skip(start).Take(BatchSize).ToList();
            var batch = BatchEncoder.EncodeForEncoder(transformer.Tokenizer, [.. part.Select(e => e.Question)], transformer.Config.MaxSequenceLength,
                [.. part.Select(e => e.Context)]);
            var outputs = exported.Run(batch, "start_logits", "end_logits");
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var (ids, mask) = batch.ToTensors(CPU);
            var types = network.Backbone.Config.TokenTypeCount > 0 ? batch.TokenTypeIdsToTensor(CPU) : null;
            var (startLogits, endLogits) = network.forward(ids, mask, types);
            worst = Math.Max(worst, ExportedModel.MaxDifference(startLogits.data<float>().ToArray(), outputs["start_logits"]));
            worst = Math.Max(worst, ExportedModel.MaxDifference(endLogits.data<float>().ToArray(), outputs["end_logits"]));
        }
        Assert.True(worst <= Tolerance, $"max |library - ONNX Runtime| = {worst:E2}");
    }

    [Fact]
    public void Causal_language_model_logits_equal_the_network_for_a_trained_model_and_imported_stories260K()
    {
        var ml = new MLContext(seed: 1);
        var options = CausalModels.TinyCharacterLm();
        options.MaxSteps = 3;
        using var trained = ml.Transforms.AttentionEncoder(options).Fit(TinyModels.Texts(ml, CausalModels.ShakespeareLines(0, 64)));
        using var stories = CausalModels.ImportStories(ml, new GenerationOptions { Temperature = 0f, MaxNewTokens = 4 });
        foreach (var transformer in new[] { trained, stories })
        {
            var network = (CausalLanguageModel)transformer.Model.Network;
            using var exported = Export(transformer, "causal");
            double worst = 0;
            foreach (var texts in ExportedModel.Batches(Sentences, BatchSize))
            {
                var batch = BatchEncoder.EncodeForEncoder(transformer.Tokenizer, texts, Math.Min(64, transformer.Config.MaxSequenceLength));
                for (int i = 0; i < batch.InputIds.Length; i++)
                    batch.InputIds[i] = batch.AttentionMask[i] == 0 ? 0 : batch.InputIds[i]; // llama2.c's Pad id is outside its 512-token table
                var outputs = exported.Run(batch, "logits");
                using var scope = NewDisposeScope();
                using var noGrad = no_grad();
                var (ids, mask) = batch.ToTensors(CPU);
                worst = Math.Max(worst, ExportedModel.MaxDifferenceAtRealTokens(batch, network.forward(ids, mask).data<float>().ToArray(), outputs["logits"]));
            }
            Assert.True(worst <= Tolerance, $"{transformer.Config.PositionalEncoding} model: max |library - ONNX Runtime| = {worst:E2}");
        }
    }

    /// <summary>The backbone's hidden states [B * T * D], as the embedding scorer computes them before pooling.</summary>
    internal static float[] TokenStates(TransformerTextTransformer transformer, EncodedBatch batch)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (ids, mask) = batch.ToTensors(CPU);
        return transformer.Model.Backbone.forward(ids, mask, causal: false).data<float>().ToArray();
    }

    /// <summary>Exports <paramref name="transformer"/> to a temporary file and opens it in ONNX Runtime.</summary>
    internal static ExportedModel Export(TransformerTextTransformer transformer, string name)
    {
        string path = ExportedModel.TempPath(name);
        transformer.ExportToOnnx(path);
        return new ExportedModel(path);
    }
}
