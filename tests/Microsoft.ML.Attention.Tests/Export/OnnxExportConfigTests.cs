using Google.Protobuf;
using Microsoft.ML.Attention.Modeling;
using Microsoft.ML.Attention.Generation;
using Microsoft.ML.Attention.Tasks;
using Microsoft.ML.Attention.Persistence.Export;
using Microsoft.ML.Attention.Tests.Modeling;
using Microsoft.ML.Attention.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tests.Export;

/// <summary>
/// Every configuration option of the backbone, through each network head, exported and scored by ONNX Runtime against the network's
/// own forward pass on real sentence pairs, in the standard form and with ONNX Runtime's fused operators (which fall back to the standard
/// form for what they cannot express: RMSNorm, SwiGLU, rotary positions, grouped-query heads). Weights are drawn from N(0, 0.2) (seeded) instead of the N(0, 0.02) initialization, so
/// that every layer moves the outputs and a wrong mapping shows.
/// </summary>
public sealed class OnnxExportConfigTests
{
    private const double Tolerance = 1e-4;
    private static readonly string[] Texts = ExportedModel.Sentences(64);
    private static readonly TextTokenizer Tokenizer = TextTokenizer.CreateCharacter(Texts);

    private static readonly string[] Names = ["bert", "gpt", "llama", "postnorm-sinusoidal", "rotary-gqa-types-layernorm", "rmsnorm-postnorm-learned"];

    public static TheoryData<string, bool> ConfigNames
    {
        get
        {
            var data = new TheoryData<string, bool>();
            foreach (var name in Names)
            {
                data.Add(name, false);
                data.Add(name, true);
            }
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(ConfigNames))]
    public void Classifier_span_and_language_model_heads_equal_the_network_under_OnnxRuntime(string name, bool fused)
    {
        var options = new OnnxExportOptions(fused);
        var config = Config(name);
        random.manual_seed(7);
        using var classifier = Randomized(new SequenceClassifier(config, classCount: 3, name == "gpt" ? PoolingKind.FirstToken : PoolingKind.Mean));
        using var binary = Randomized(new SequenceClassifier(config, classCount: 1));
        using var span = Randomized(new SpanExtractor(config));
        using var language = Randomized(new CausalLanguageModel(config));
        var worst = new Dictionary<string, double>();
        foreach (var batch in Batches(config))
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var (ids, mask) = batch.ToTensors(CPU);
            var types = config.TokenTypeCount > 0 ? batch.TokenTypeIdsToTensor(CPU) : null;
            Record(worst, "classifier", Compare(classifier, ClassifierHead(3, classifier.PoolingKind), options, batch, ("logits", classifier.forward(ids, mask, types)),
                ("probabilities", classifier.forward(ids, mask, types).softmax(1))));
            Record(worst, "binary", Compare(binary, ClassifierHead(1, binary.PoolingKind), options, batch, ("logits", binary.forward(ids, mask, types)),
                ("probabilities", binary.forward(ids, mask, types).sigmoid())));
            var (start, end) = span.forward(ids, mask, types);
            Record(worst, "span", Compare(span, SpanHead, options, batch, ("start_logits", start), ("end_logits", end)));
            Record(worst, "causal", Compare(language, CausalHead, options, batch, ("logits", language.forward(ids, mask))));
        }
        var attentionNodes = OnnxExporter.Build(classifier, config, ClassifierHead(3, classifier.PoolingKind), options).Graph.Node.Count(n => n.OpType == "MultiHeadAttention");
        Assert.Equal(fused && OnnxBackboneWriter.CanFuse(config) ? config.LayerCount : 0, attentionNodes);
        Assert.True(worst.Values.All(w => w <= Tolerance), $"{name} (fused {fused}): max |library - ONNX Runtime| per head: {string.Join(", ", worst.Select(p => $"{p.Key} {p.Value:E2}"))}");
    }

    [Fact]
    public void Bert_layout_is_written_with_Hugging_Face_names_and_other_layouts_with_state_dict_keys()
    {
        using var bert = new SequenceClassifier(Config("bert"), classCount: 2);
        var bertNames = OnnxExporter.Build(bert, bert.Backbone.Config, ClassifierHead(2, bert.PoolingKind)).Graph.Initializer.Select(i => i.Name).ToHashSet();
        Assert.Contains("embeddings.word_embeddings.weight", bertNames);
        Assert.Contains("encoder.layer.1.attention.self.key.bias", bertNames);
        Assert.Contains("classifier.weight", bertNames);

        using var llama = new CausalLanguageModel(Config("llama"));
        var llamaNames = OnnxExporter.Build(llama, llama.Backbone.Config, CausalHead).Graph.Initializer.Select(i => i.Name).ToHashSet();
        Assert.Contains("backbone.layers.0.attention.qkv_proj.weight", llamaNames);
        Assert.Contains("backbone.layers.0.feed_forward.w3.weight", llamaNames);
        Assert.DoesNotContain(llamaNames, n => n.StartsWith("encoder.", StringComparison.Ordinal));
    }

    [Fact]
    public void An_option_value_without_a_mapping_is_refused_with_its_name_and_no_file_is_written()
    {
        var config = Config("gpt") with { PositionalEncoding = (PositionalEncodingKind)7 };
        var error = Assert.Throws<NotSupportedException>(() => OnnxBackboneWriter.RequireSupported(config));
        Assert.Contains("TransformerConfig.PositionalEncoding = 7", error.Message, StringComparison.Ordinal);

        using var languageModel = new CausalLanguageModel(config with { PositionalEncoding = PositionalEncodingKind.Learned });
        string path = ExportedModel.TempPath("unsupported-pooling");
        var poolingError = Assert.Throws<NotSupportedException>(() =>
            OnnxExporter.Export(languageModel, languageModel.Backbone.Config, writer => writer.Pool((PoolingKind)9, writer.EncoderHidden()), path));
        Assert.Contains("pooling 9", poolingError.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }

    // The heads as the tasks' specs write them (TaskSpec.WriteOnnxOutputs).
    private static Action<OnnxHeadWriter> ClassifierHead(int headSize, PoolingKind pooling) =>
        new TextClassificationSpec("Text", null, new TextClassificationLabel(isBinary: headSize == 1, classCount: Math.Max(2, headSize), keyValues: null), pooling).WriteOnnxOutputs;

    private static Action<OnnxHeadWriter> SpanHead =>
        new QuestionAnsweringSpec("Question", "Context", documentStride: 128, maxAnswerLength: 30, maxQuestionLength: 64, topAnswerCount: 1).WriteOnnxOutputs;

    private static Action<OnnxHeadWriter> CausalHead => new CausalLanguageModelingSpec("Prompt", "GeneratedText", new GenerationOptions()).WriteOnnxOutputs;

    private static TransformerConfig Config(string name)
    {
        var config = name switch
        {
            "bert" => TestConfigs.Gpt with
            {
                NormalizationPlacement = NormalizationPlacement.PostNorm, TokenTypeCount = 2, NormalizeEmbeddings = true, NormalizationEpsilon = 1e-12,
            },
            "rotary-gqa-types-layernorm" => TestConfigs.Gpt with
            {
                PositionalEncoding = PositionalEncodingKind.Rotary, KeyValueHeadCount = 2, TokenTypeCount = 2, NormalizeEmbeddings = true,
                Activation = ActivationKind.SwiGlu, TieEmbeddings = false,
            },
            "rmsnorm-postnorm-learned" => TestConfigs.Gpt with
            {
                Normalization = NormalizationKind.RmsNorm, NormalizationPlacement = NormalizationPlacement.PostNorm, UseBias = false,
                NormalizeEmbeddings = true, KeyValueHeadCount = 1,
            },
            _ => TestConfigs.Named(name),
        };
        return config with { VocabularySize = Tokenizer.VocabularySize, MaxSequenceLength = 64, LayerCount = 2 };
    }

    /// <summary>Batches of 16 real sentences; with token types, pairs (sentence i with sentence i + 32) so that types 0 and 1 both occur.</summary>
    private static IEnumerable<EncodedBatch> Batches(TransformerConfig config)
    {
        for (int start = 0; start < 32; start += 16)
        {
            var first = Texts.Skip(start).Take(16).ToArray();
            var second = config.TokenTypeCount > 0 ? Texts.Skip(32 + start).Take(16).ToArray() : null;
            yield return BatchEncoder.EncodeForEncoder(Tokenizer, first, config.MaxSequenceLength, second);
        }
    }

    private static T Randomized<T>(T network) where T : nn.Module
    {
        using (no_grad())
        {
            foreach (var parameter in network.parameters())
                parameter.normal_(0, 0.2);
        }
        network.eval();
        return network;
    }

    /// <summary>Exports <paramref name="network"/>, runs it on <paramref name="batch"/>, and returns the largest difference over the named outputs.</summary>
    private static double Compare<TNetwork>(TNetwork network, Action<OnnxHeadWriter> head, OnnxExportOptions options, EncodedBatch batch, params (string Name, Tensor Value)[] expected)
        where TNetwork : nn.Module, ITaskNetwork
    {
        string path = ExportedModel.TempPath("config");
        File.WriteAllBytes(path, OnnxExporter.Build(network, network.Backbone.Config, head, options).ToByteArray());
        try
        {
            using var exported = new ExportedModel(path);
            var outputs = exported.Run(batch, [.. expected.Select(e => e.Name)]);
            return expected.Max(e => e.Value.Dimensions == 3
                ? ExportedModel.MaxDifferenceAtRealTokens(batch, e.Value.contiguous().data<float>().ToArray(), outputs[e.Name])
                : ExportedModel.MaxDifference(e.Value.contiguous().data<float>().ToArray(), outputs[e.Name]));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static void Record(Dictionary<string, double> worst, string head, double difference) =>
        worst[head] = Math.Max(worst.GetValueOrDefault(head), difference);
}
