using Microsoft.ML.Attention.Modeling;
using TorchSharp;
using static TorchSharp.torch;

namespace Microsoft.ML.Attention.Tests.Modeling;

public class TaskModelTests
{
    private static readonly TransformerConfig Config = TestConfigs.Gpt;

    private static (Tensor Ids, Tensor Mask) Batch()
    {
        torch.manual_seed(60);
        return (torch.randint(0, Config.VocabularySize, [3, 7]), torch.tensor(new long[,]
        {
            { 1, 1, 1, 1, 1, 1, 1 }, { 1, 1, 1, 0, 0, 0, 0 }, { 1, 1, 1, 1, 1, 0, 0 },
        }));
    }

    [Fact]
    public void Masked_language_model_gives_logits_over_the_vocabulary_for_each_position()
    {
        using var model = new MaskedLanguageModel(Config);
        var (ids, mask) = Batch();

        using var logits = model.forward(ids, mask);

        Assert.Equal(new long[] { 3, 7, Config.VocabularySize }, logits.shape);
        Assert.DoesNotContain(model.state_dict().Keys, key => key.StartsWith("decoder.", StringComparison.Ordinal));
    }

    [Fact]
    public void Causal_language_model_gives_logits_over_the_vocabulary_for_each_position()
    {
        using var model = new CausalLanguageModel(Config);
        var (ids, mask) = Batch();

        using var logits = model.forward(ids, mask);

        Assert.Equal(new long[] { 3, 7, Config.VocabularySize }, logits.shape);
    }

    [Fact]
    public void Tied_causal_language_model_projects_with_the_token_embedding_and_untied_has_its_own_head()
    {
        torch.manual_seed(61);
        using var tied = new CausalLanguageModel(Config);
        using var untied = new CausalLanguageModel(Config with { TieEmbeddings = false });
        tied.eval();
        var (ids, _) = Batch();

        using var logits = tied.forward(ids);
        using var hidden = tied.Backbone.forward(ids, null, causal: true);

        TensorAssert.Close(hidden.matmul(tied.Backbone.TokenEmbeddingWeight.t()), logits, 1e-6);
        Assert.DoesNotContain("lm_head.weight", tied.state_dict().Keys);
        Assert.Equal(new long[] { Config.VocabularySize, Config.ModelDimension }, untied.state_dict()["lm_head.weight"].shape);
    }

    [Theory]
    [InlineData(PoolingKind.Mean)]
    [InlineData(PoolingKind.FirstToken)]
    public void Sequence_classifier_gives_one_row_of_class_logits_per_sequence(PoolingKind pooling)
    {
        using var model = new SequenceClassifier(Config, classCount: 5, pooling);
        var (ids, mask) = Batch();

        using var logits = model.forward(ids, mask);

        Assert.Equal(new long[] { 3, 5 }, logits.shape);
        Assert.Equal("classCount", Assert.Throws<ArgumentException>(() => new SequenceClassifier(Config, 0)).ParamName);
    }

    [Fact]
    public void Span_extractor_gives_start_and_end_logits_for_each_position()
    {
        using var model = new SpanExtractor(Config);
        var (ids, mask) = Batch();

        var (start, end) = model.forward(ids, mask);

        Assert.Equal(new long[] { 3, 7 }, start.shape);
        Assert.Equal(new long[] { 3, 7 }, end.shape);
        start.Dispose();
        end.Dispose();
    }

    [Fact]
    public void Backbone_state_dict_from_masked_language_model_loads_into_sequence_classifier()
    {
        torch.manual_seed(62);
        using var pretrained = new MaskedLanguageModel(Config);
        using var classifier = new SequenceClassifier(Config, classCount: 2);
        pretrained.eval();
        classifier.eval();
        var (ids, mask) = Batch();
        using var before = classifier.Backbone.forward(ids, mask, causal: false);
        using var expected = pretrained.Backbone.forward(ids, mask, causal: false);
        Assert.True(TensorAssert.MaxAbsDifference(expected, before) > 1e-3, "Fresh models should differ.");

        var (missing, unexpected) = classifier.Backbone.load_state_dict(pretrained.Backbone.state_dict());
        using var after = classifier.Backbone.forward(ids, mask, causal: false);

        Assert.Empty(missing);
        Assert.Empty(unexpected);
        TensorAssert.Close(expected, after, 0);
        var backboneKeys = (nn.Module model) => model.state_dict().Keys.Where(k => k.StartsWith("backbone.", StringComparison.Ordinal)).Order();
        Assert.Equal(backboneKeys(pretrained), backboneKeys(classifier));
    }
}
