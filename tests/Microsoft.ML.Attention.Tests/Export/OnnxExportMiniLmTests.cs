using Microsoft.ML.Attention.Tests.Estimators;
using Microsoft.ML.Attention.Tests.Import;
using Microsoft.ML.Attention.Tokenization;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tests.Export;

/// <summary>
/// all-MiniLM-L6-v2, imported from its ONNX file, exported again by the library: ONNX Runtime on the export gives the library's
/// sentence embeddings and token states (200 real sentences, 100 pairs), and the library's own importer reads the export back into
/// the same model.
/// </summary>
public sealed class OnnxExportMiniLmTests
{
    private const double Tolerance = 1e-4;
    private const int BatchSize = 32;
    private static readonly string[] Sentences = ExportedModel.Sentences();

    [Fact]
    public void Exported_MiniLM_equals_the_library_on_200_sentences_and_100_pairs_and_reimports_to_the_same_model()
    {
        var ml = new MLContext(seed: 1);
        using var encoder = ml.Transforms.ImportEncoder(MiniLmFiles.ModelPath, MiniLmFiles.VocabularyPath);
        var data = TinyModels.Texts(ml, Sentences);
        var expected = TinyModels.ReadVectors(encoder.Transform(data), encoder.OutputColumnNames[0]);
        using var exported = OnnxExportTaskTests.Export(encoder, "minilm");

        double worstEmbedding = 0, worstStates = 0;
        int row = 0;
        foreach (var texts in ExportedModel.Batches(Sentences, BatchSize))
        {
            var batch = BatchEncoder.EncodeForEncoder(encoder.Tokenizer, texts, encoder.Config.MaxSequenceLength);
            var outputs = exported.Run(batch, "sentence_embedding", "last_hidden_state");
            worstEmbedding = Math.Max(worstEmbedding, ExportedModel.MaxDifference([.. expected.Skip(row).Take(texts.Length).SelectMany(v => v)], outputs["sentence_embedding"]));
            worstStates = Math.Max(worstStates, ExportedModel.MaxDifferenceAtRealTokens(batch, OnnxExportTaskTests.TokenStates(encoder, batch), outputs["last_hidden_state"]));
            row += texts.Length;
        }
        for (int start = 0; start < 100; start += BatchSize)
        {
            var first = Sentences.Skip(start).Take(Math.Min(BatchSize, 100 - start)).ToArray();
            var pairs = BatchEncoder.EncodeForEncoder(encoder.Tokenizer, first, encoder.Config.MaxSequenceLength, [.. Sentences.Skip(100 + start).Take(first.Length)]);
            Assert.Contains(1L, pairs.TokenTypeIds);
            var states = exported.Run(pairs, "last_hidden_state")["last_hidden_state"];
            worstStates = Math.Max(worstStates, ExportedModel.MaxDifferenceAtRealTokens(pairs, PairStates(encoder, pairs), states));
        }
        Assert.True(worstEmbedding <= Tolerance && worstStates <= Tolerance,
            $"max |library - ONNX Runtime|: sentence embeddings {worstEmbedding:E2}, token states {worstStates:E2}");

        using var reimported = ml.Transforms.ImportEncoder(exported.Path, MiniLmFiles.VocabularyPath);
        Assert.Equal(encoder.Config, reimported.Config);
        var again = TinyModels.ReadVectors(reimported.Transform(data), reimported.OutputColumnNames[0]);
        double worstRoundTrip = ExportedModel.MaxDifference([.. expected.SelectMany(v => v)], [.. again.SelectMany(v => v)]);
        Assert.True(worstRoundTrip <= 1e-6, $"max |original - re-imported| = {worstRoundTrip:E2}");
    }

    /// <summary>Token states of sentence pairs, with their token types.</summary>
    private static float[] PairStates(TransformerTextTransformer encoder, EncodedBatch batch)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (ids, mask) = batch.ToTensors(CPU);
        return encoder.Model.Backbone.forward(ids, mask, causal: false, tokenTypeIds: batch.TokenTypeIdsToTensor(CPU)).data<float>().ToArray();
    }
}
